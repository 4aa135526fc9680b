#!/usr/bin/env node
import { createRequire as __WEBPACK_EXTERNAL_createRequire } from "module";
/******/ var __webpack_modules__ = ({

/***/ 6427:
/***/ (function(__unused_webpack_module, exports) {

/*!
 * hash-wasm (https://www.npmjs.com/package/hash-wasm)
 * (c) Dani Biro
 * @license MIT
 */

!function(I,A){ true?A(exports):0}(this,function(I){"use strict";var A,i={name:"blake2b",data:"AGFzbQEAAAABEQRgAAF/YAJ/fwBgAX8AYAAAAwoJAAECAwECAgABBQQBAQICBg8CfwFBgIAEC38AQYCABAsHggEJBm1lbW9yeQIAD19fc3RhY2tfcG9pbnRlcgMADkhhc2hfR2V0QnVmZmVyAAAKSGFzaF9GaW5hbAADCUhhc2hfSW5pdAAFC0hhc2hfVXBkYXRlAAYNSGFzaF9HZXRTdGF0ZQAHDkhhc2hfQ2FsY3VsYXRlAAgKU1RBVEVfU0laRQMBCsU4CQYAQYCBBAvcAgIFfwF+AkAgAUEBSA0AAkAgAUGAAUEAKALgggUiAmsiA0wNAEEAQQA2AuCCBQJAIAJB/wBKDQAgAkHggQVqIQQgACEFQQAhBgNAIAQgBS0AADoAACAFQQFqIQUgBEEBaiEEIAMgBkEBaiIGQf8BcUoNAAsLQQBBACkDwIEFIgdCgAF8NwPAgQVBAEEAKQPIgQUgB0L/flatfDcDyIEFQeCBBRACIAAgA2ohAAJAIAEgA2siBEGBAU4NACAEIQEMAQsgAiABaiEEA0BBAEEAKQPAgQUiB0KAAXw3A8CBBUEAQQApA8iBBSAHQv9+Vq18NwPIgQUgABACIABBgAFqIQAgBEGAf2oiBEGAAksNAAsgBEGAf2ohAQtBACEEA0AgBEEAKALgggVqQeCBBWogACAEai0AADoAACABIARBAWoiBEH/AXFLDQALQQBBACgC4IIFIAFqNgLgggULC78uASR+QQBBACkD0IEFQQApA7CBBSIBQQApA5CBBXwgACkDICICfCIDhULr+obav7X2wR+FQiCJIgRCq/DT9K/uvLc8fCIFIAGFQiiJIgYgA3wgACkDKCIBfCIHIASFQjCJIgggBXwiCSAGhUIBiSIKQQApA8iBBUEAKQOogQUiBEEAKQOIgQV8IAApAxAiA3wiBYVCn9j52cKR2oKbf4VCIIkiC0K7zqqm2NDrs7t/fCIMIASFQiiJIg0gBXwgACkDGCIEfCIOfCAAKQNQIgV8Ig9BACkDwIEFQQApA6CBBSIQQQApA4CBBSIRfCAAKQMAIgZ8IhKFQtGFmu/6z5SH0QCFQiCJIhNCiJLznf/M+YTqAHwiFCAQhUIoiSIVIBJ8IAApAwgiEHwiFiAThUIwiSIXhUIgiSIYQQApA9iBBUEAKQO4gQUiE0EAKQOYgQV8IAApAzAiEnwiGYVC+cL4m5Gjs/DbAIVCIIkiGkLx7fT4paf9p6V/fCIbIBOFQiiJIhwgGXwgACkDOCITfCIZIBqFQjCJIhogG3wiG3wiHSAKhUIoiSIeIA98IAApA1giCnwiDyAYhUIwiSIYIB18Ih0gDiALhUIwiSIOIAx8Ih8gDYVCAYkiDCAWfCAAKQNAIgt8Ig0gGoVCIIkiFiAJfCIaIAyFQiiJIiAgDXwgACkDSCIJfCIhIBaFQjCJIhYgGyAchUIBiSIMIAd8IAApA2AiB3wiDSAOhUIgiSIOIBcgFHwiFHwiFyAMhUIoiSIbIA18IAApA2giDHwiHCAOhUIwiSIOIBd8IhcgG4VCAYkiGyAZIBQgFYVCAYkiFHwgACkDcCINfCIVIAiFQiCJIhkgH3wiHyAUhUIoiSIUIBV8IAApA3giCHwiFXwgDHwiIoVCIIkiI3wiJCAbhUIoiSIbICJ8IBJ8IiIgFyAYIBUgGYVCMIkiFSAffCIZIBSFQgGJIhQgIXwgDXwiH4VCIIkiGHwiFyAUhUIoiSIUIB98IAV8Ih8gGIVCMIkiGCAXfCIXIBSFQgGJIhR8IAF8IiEgFiAafCIWIBUgHSAehUIBiSIaIBx8IAl8IhyFQiCJIhV8Ih0gGoVCKIkiGiAcfCAIfCIcIBWFQjCJIhWFQiCJIh4gGSAOIBYgIIVCAYkiFiAPfCACfCIPhUIgiSIOfCIZIBaFQiiJIhYgD3wgC3wiDyAOhUIwiSIOIBl8Ihl8IiAgFIVCKIkiFCAhfCAEfCIhIB6FQjCJIh4gIHwiICAiICOFQjCJIiIgJHwiIyAbhUIBiSIbIBx8IAp8IhwgDoVCIIkiDiAXfCIXIBuFQiiJIhsgHHwgE3wiHCAOhUIwiSIOIBkgFoVCAYkiFiAffCAQfCIZICKFQiCJIh8gFSAdfCIVfCIdIBaFQiiJIhYgGXwgB3wiGSAfhUIwiSIfIB18Ih0gFoVCAYkiFiAVIBqFQgGJIhUgD3wgBnwiDyAYhUIgiSIYICN8IhogFYVCKIkiFSAPfCADfCIPfCAHfCIihUIgiSIjfCIkIBaFQiiJIhYgInwgBnwiIiAjhUIwiSIjICR8IiQgFoVCAYkiFiAOIBd8Ig4gDyAYhUIwiSIPICAgFIVCAYkiFCAZfCAKfCIXhUIgiSIYfCIZIBSFQiiJIhQgF3wgC3wiF3wgBXwiICAPIBp8Ig8gHyAOIBuFQgGJIg4gIXwgCHwiGoVCIIkiG3wiHyAOhUIoiSIOIBp8IAx8IhogG4VCMIkiG4VCIIkiISAdIB4gDyAVhUIBiSIPIBx8IAF8IhWFQiCJIhx8Ih0gD4VCKIkiDyAVfCADfCIVIByFQjCJIhwgHXwiHXwiHiAWhUIoiSIWICB8IA18IiAgIYVCMIkiISAefCIeIBogFyAYhUIwiSIXIBl8IhggFIVCAYkiFHwgCXwiGSAchUIgiSIaICR8IhwgFIVCKIkiFCAZfCACfCIZIBqFQjCJIhogHSAPhUIBiSIPICJ8IAR8Ih0gF4VCIIkiFyAbIB98Iht8Ih8gD4VCKIkiDyAdfCASfCIdIBeFQjCJIhcgH3wiHyAPhUIBiSIPIBsgDoVCAYkiDiAVfCATfCIVICOFQiCJIhsgGHwiGCAOhUIoiSIOIBV8IBB8IhV8IAx8IiKFQiCJIiN8IiQgD4VCKIkiDyAifCAHfCIiICOFQjCJIiMgJHwiJCAPhUIBiSIPIBogHHwiGiAVIBuFQjCJIhUgHiAWhUIBiSIWIB18IAR8IhuFQiCJIhx8Ih0gFoVCKIkiFiAbfCAQfCIbfCABfCIeIBUgGHwiFSAXIBogFIVCAYkiFCAgfCATfCIYhUIgiSIXfCIaIBSFQiiJIhQgGHwgCXwiGCAXhUIwiSIXhUIgiSIgIB8gISAVIA6FQgGJIg4gGXwgCnwiFYVCIIkiGXwiHyAOhUIoiSIOIBV8IA18IhUgGYVCMIkiGSAffCIffCIhIA+FQiiJIg8gHnwgBXwiHiAghUIwiSIgICF8IiEgGyAchUIwiSIbIB18IhwgFoVCAYkiFiAYfCADfCIYIBmFQiCJIhkgJHwiHSAWhUIoiSIWIBh8IBJ8IhggGYVCMIkiGSAfIA6FQgGJIg4gInwgAnwiHyAbhUIgiSIbIBcgGnwiF3wiGiAOhUIoiSIOIB98IAZ8Ih8gG4VCMIkiGyAafCIaIA6FQgGJIg4gFSAXIBSFQgGJIhR8IAh8IhUgI4VCIIkiFyAcfCIcIBSFQiiJIhQgFXwgC3wiFXwgBXwiIoVCIIkiI3wiJCAOhUIoiSIOICJ8IAh8IiIgGiAgIBUgF4VCMIkiFSAcfCIXIBSFQgGJIhQgGHwgCXwiGIVCIIkiHHwiGiAUhUIoiSIUIBh8IAZ8IhggHIVCMIkiHCAafCIaIBSFQgGJIhR8IAR8IiAgGSAdfCIZIBUgISAPhUIBiSIPIB98IAN8Ih2FQiCJIhV8Ih8gD4VCKIkiDyAdfCACfCIdIBWFQjCJIhWFQiCJIiEgFyAbIBkgFoVCAYkiFiAefCABfCIZhUIgiSIbfCIXIBaFQiiJIhYgGXwgE3wiGSAbhUIwiSIbIBd8Ihd8Ih4gFIVCKIkiFCAgfCAMfCIgICGFQjCJIiEgHnwiHiAiICOFQjCJIiIgJHwiIyAOhUIBiSIOIB18IBJ8Ih0gG4VCIIkiGyAafCIaIA6FQiiJIg4gHXwgC3wiHSAbhUIwiSIbIBcgFoVCAYkiFiAYfCANfCIXICKFQiCJIhggFSAffCIVfCIfIBaFQiiJIhYgF3wgEHwiFyAYhUIwiSIYIB98Ih8gFoVCAYkiFiAVIA+FQgGJIg8gGXwgCnwiFSAchUIgiSIZICN8IhwgD4VCKIkiDyAVfCAHfCIVfCASfCIihUIgiSIjfCIkIBaFQiiJIhYgInwgBXwiIiAjhUIwiSIjICR8IiQgFoVCAYkiFiAbIBp8IhogFSAZhUIwiSIVIB4gFIVCAYkiFCAXfCADfCIXhUIgiSIZfCIbIBSFQiiJIhQgF3wgB3wiF3wgAnwiHiAVIBx8IhUgGCAaIA6FQgGJIg4gIHwgC3wiGoVCIIkiGHwiHCAOhUIoiSIOIBp8IAR8IhogGIVCMIkiGIVCIIkiICAfICEgFSAPhUIBiSIPIB18IAZ8IhWFQiCJIh18Ih8gD4VCKIkiDyAVfCAKfCIVIB2FQjCJIh0gH3wiH3wiISAWhUIoiSIWIB58IAx8Ih4gIIVCMIkiICAhfCIhIBogFyAZhUIwiSIXIBt8IhkgFIVCAYkiFHwgEHwiGiAdhUIgiSIbICR8Ih0gFIVCKIkiFCAafCAJfCIaIBuFQjCJIhsgHyAPhUIBiSIPICJ8IBN8Ih8gF4VCIIkiFyAYIBx8Ihh8IhwgD4VCKIkiDyAffCABfCIfIBeFQjCJIhcgHHwiHCAPhUIBiSIPIBggDoVCAYkiDiAVfCAIfCIVICOFQiCJIhggGXwiGSAOhUIoiSIOIBV8IA18IhV8IA18IiKFQiCJIiN8IiQgD4VCKIkiDyAifCAMfCIiICOFQjCJIiMgJHwiJCAPhUIBiSIPIBsgHXwiGyAVIBiFQjCJIhUgISAWhUIBiSIWIB98IBB8IhiFQiCJIh18Ih8gFoVCKIkiFiAYfCAIfCIYfCASfCIhIBUgGXwiFSAXIBsgFIVCAYkiFCAefCAHfCIZhUIgiSIXfCIbIBSFQiiJIhQgGXwgAXwiGSAXhUIwiSIXhUIgiSIeIBwgICAVIA6FQgGJIg4gGnwgAnwiFYVCIIkiGnwiHCAOhUIoiSIOIBV8IAV8IhUgGoVCMIkiGiAcfCIcfCIgIA+FQiiJIg8gIXwgBHwiISAehUIwiSIeICB8IiAgGCAdhUIwiSIYIB98Ih0gFoVCAYkiFiAZfCAGfCIZIBqFQiCJIhogJHwiHyAWhUIoiSIWIBl8IBN8IhkgGoVCMIkiGiAcIA6FQgGJIg4gInwgCXwiHCAYhUIgiSIYIBcgG3wiF3wiGyAOhUIoiSIOIBx8IAN8IhwgGIVCMIkiGCAbfCIbIA6FQgGJIg4gFSAXIBSFQgGJIhR8IAt8IhUgI4VCIIkiFyAdfCIdIBSFQiiJIhQgFXwgCnwiFXwgBHwiIoVCIIkiI3wiJCAOhUIoiSIOICJ8IAl8IiIgGyAeIBUgF4VCMIkiFSAdfCIXIBSFQgGJIhQgGXwgDHwiGYVCIIkiHXwiGyAUhUIoiSIUIBl8IAp8IhkgHYVCMIkiHSAbfCIbIBSFQgGJIhR8IAN8Ih4gGiAffCIaIBUgICAPhUIBiSIPIBx8IAd8IhyFQiCJIhV8Ih8gD4VCKIkiDyAcfCAQfCIcIBWFQjCJIhWFQiCJIiAgFyAYIBogFoVCAYkiFiAhfCATfCIahUIgiSIYfCIXIBaFQiiJIhYgGnwgDXwiGiAYhUIwiSIYIBd8Ihd8IiEgFIVCKIkiFCAefCAFfCIeICCFQjCJIiAgIXwiISAiICOFQjCJIiIgJHwiIyAOhUIBiSIOIBx8IAt8IhwgGIVCIIkiGCAbfCIbIA6FQiiJIg4gHHwgEnwiHCAYhUIwiSIYIBcgFoVCAYkiFiAZfCABfCIXICKFQiCJIhkgFSAffCIVfCIfIBaFQiiJIhYgF3wgBnwiFyAZhUIwiSIZIB98Ih8gFoVCAYkiFiAVIA+FQgGJIg8gGnwgCHwiFSAdhUIgiSIaICN8Ih0gD4VCKIkiDyAVfCACfCIVfCANfCIihUIgiSIjfCIkIBaFQiiJIhYgInwgCXwiIiAjhUIwiSIjICR8IiQgFoVCAYkiFiAYIBt8IhggFSAahUIwiSIVICEgFIVCAYkiFCAXfCASfCIXhUIgiSIafCIbIBSFQiiJIhQgF3wgCHwiF3wgB3wiISAVIB18IhUgGSAYIA6FQgGJIg4gHnwgBnwiGIVCIIkiGXwiHSAOhUIoiSIOIBh8IAt8IhggGYVCMIkiGYVCIIkiHiAfICAgFSAPhUIBiSIPIBx8IAp8IhWFQiCJIhx8Ih8gD4VCKIkiDyAVfCAEfCIVIByFQjCJIhwgH3wiH3wiICAWhUIoiSIWICF8IAN8IiEgHoVCMIkiHiAgfCIgIBggFyAahUIwiSIXIBt8IhogFIVCAYkiFHwgBXwiGCAchUIgiSIbICR8IhwgFIVCKIkiFCAYfCABfCIYIBuFQjCJIhsgHyAPhUIBiSIPICJ8IAx8Ih8gF4VCIIkiFyAZIB18Ihl8Ih0gD4VCKIkiDyAffCATfCIfIBeFQjCJIhcgHXwiHSAPhUIBiSIPIBkgDoVCAYkiDiAVfCAQfCIVICOFQiCJIhkgGnwiGiAOhUIoiSIOIBV8IAJ8IhV8IBN8IiKFQiCJIiN8IiQgD4VCKIkiDyAifCASfCIiICOFQjCJIiMgJHwiJCAPhUIBiSIPIBsgHHwiGyAVIBmFQjCJIhUgICAWhUIBiSIWIB98IAt8IhmFQiCJIhx8Ih8gFoVCKIkiFiAZfCACfCIZfCAJfCIgIBUgGnwiFSAXIBsgFIVCAYkiFCAhfCAFfCIahUIgiSIXfCIbIBSFQiiJIhQgGnwgA3wiGiAXhUIwiSIXhUIgiSIhIB0gHiAVIA6FQgGJIg4gGHwgEHwiFYVCIIkiGHwiHSAOhUIoiSIOIBV8IAF8IhUgGIVCMIkiGCAdfCIdfCIeIA+FQiiJIg8gIHwgDXwiICAhhUIwiSIhIB58Ih4gGSAchUIwiSIZIB98IhwgFoVCAYkiFiAafCAIfCIaIBiFQiCJIhggJHwiHyAWhUIoiSIWIBp8IAp8IhogGIVCMIkiGCAdIA6FQgGJIg4gInwgBHwiHSAZhUIgiSIZIBcgG3wiF3wiGyAOhUIoiSIOIB18IAd8Ih0gGYVCMIkiGSAbfCIbIA6FQgGJIg4gFSAXIBSFQgGJIhR8IAx8IhUgI4VCIIkiFyAcfCIcIBSFQiiJIhQgFXwgBnwiFXwgEnwiIoVCIIkiI3wiJCAOhUIoiSIOICJ8IBN8IiIgGyAhIBUgF4VCMIkiFSAcfCIXIBSFQgGJIhQgGnwgBnwiGoVCIIkiHHwiGyAUhUIoiSIUIBp8IBB8IhogHIVCMIkiHCAbfCIbIBSFQgGJIhR8IA18IiEgGCAffCIYIBUgHiAPhUIBiSIPIB18IAJ8Ih2FQiCJIhV8Ih4gD4VCKIkiDyAdfCABfCIdIBWFQjCJIhWFQiCJIh8gFyAZIBggFoVCAYkiFiAgfCADfCIYhUIgiSIZfCIXIBaFQiiJIhYgGHwgBHwiGCAZhUIwiSIZIBd8Ihd8IiAgFIVCKIkiFCAhfCAIfCIhIB+FQjCJIh8gIHwiICAiICOFQjCJIiIgJHwiIyAOhUIBiSIOIB18IAd8Ih0gGYVCIIkiGSAbfCIbIA6FQiiJIg4gHXwgDHwiHSAZhUIwiSIZIBcgFoVCAYkiFiAafCALfCIXICKFQiCJIhogFSAefCIVfCIeIBaFQiiJIhYgF3wgCXwiFyAahUIwiSIaIB58Ih4gFoVCAYkiFiAVIA+FQgGJIg8gGHwgBXwiFSAchUIgiSIYICN8IhwgD4VCKIkiDyAVfCAKfCIVfCACfCIChUIgiSIifCIjIBaFQiiJIhYgAnwgC3wiAiAihUIwiSILICN8IiIgFoVCAYkiFiAZIBt8IhkgFSAYhUIwiSIVICAgFIVCAYkiFCAXfCANfCINhUIgiSIXfCIYIBSFQiiJIhQgDXwgBXwiBXwgEHwiECAVIBx8Ig0gGiAZIA6FQgGJIg4gIXwgDHwiDIVCIIkiFXwiGSAOhUIoiSIOIAx8IBJ8IhIgFYVCMIkiDIVCIIkiFSAeIB8gDSAPhUIBiSINIB18IAl8IgmFQiCJIg98IhogDYVCKIkiDSAJfCAIfCIJIA+FQjCJIgggGnwiD3wiGiAWhUIoiSIWIBB8IAd8IhAgEYUgDCAZfCIHIA6FQgGJIgwgCXwgCnwiCiALhUIgiSILIAUgF4VCMIkiBSAYfCIJfCIOIAyFQiiJIgwgCnwgE3wiEyALhUIwiSIKIA58IguFNwOAgQVBACADIAYgDyANhUIBiSINIAJ8fCICIAWFQiCJIgUgB3wiBiANhUIoiSIHIAJ8fCICQQApA4iBBYUgBCABIBIgCSAUhUIBiSIDfHwiASAIhUIgiSISICJ8IgkgA4VCKIkiAyABfHwiASAShUIwiSIEIAl8IhKFNwOIgQVBACATQQApA5CBBYUgECAVhUIwiSIQIBp8IhOFNwOQgQVBACABQQApA5iBBYUgAiAFhUIwiSICIAZ8IgGFNwOYgQVBACASIAOFQgGJQQApA6CBBYUgAoU3A6CBBUEAIBMgFoVCAYlBACkDqIEFhSAKhTcDqIEFQQAgASAHhUIBiUEAKQOwgQWFIASFNwOwgQVBACALIAyFQgGJQQApA7iBBYUgEIU3A7iBBQveAgUBfwF+AX8BfgJ/IwBBwABrIgAkAAJAQQApA9CBBUIAUg0AQQBBACkDwIEFIgFBACgC4IIFIgKsfCIDNwPAgQVBAEEAKQPIgQUgAyABVK18NwPIgQUCQEEALQDoggVFDQBBAEJ/NwPYgQULQQBCfzcD0IEFAkAgAkH/AEoNAEEAIQQDQCACIARqQeCBBWpBADoAACAEQQFqIgRBgAFBACgC4IIFIgJrSA0ACwtB4IEFEAIgAEEAKQOAgQU3AwAgAEEAKQOIgQU3AwggAEEAKQOQgQU3AxAgAEEAKQOYgQU3AxggAEEAKQOggQU3AyAgAEEAKQOogQU3AyggAEEAKQOwgQU3AzAgAEEAKQO4gQU3AzhBACgC5IIFIgVBAUgNAEEAIQJBACEEA0AgBEGAgQRqIAAgBGotAAA6AAAgBEEBaiEEIAUgAkEBaiICQf8BcUsNAAsLIABBwABqJAAL+gMCAn8BfiMAQYABayICJABBAEGBAjsB8oIFQQAgAToA8YIFQQAgADoA8IIFQZB+IQADQCAAQYCDBWpCADcAACAAQfiCBWpCADcAACAAQfCCBWpCADcAACAAQRhqIgANAAtBACEDQQBBACkD8IIFIgRCiJLznf/M+YTqAIU3A4CBBUEAQQApA/iCBUK7zqqm2NDrs7t/hTcDiIEFQQBBACkDgIMFQqvw0/Sv7ry3PIU3A5CBBUEAQQApA4iDBULx7fT4paf9p6V/hTcDmIEFQQBBACkDkIMFQtGFmu/6z5SH0QCFNwOggQVBAEEAKQOYgwVCn9j52cKR2oKbf4U3A6iBBUEAQQApA6CDBULr+obav7X2wR+FNwOwgQVBAEEAKQOogwVC+cL4m5Gjs/DbAIU3A7iBBUEAIASnQf8BcTYC5IIFAkAgAUUNACACQgA3A3ggAkIANwNwIAJCADcDaCACQgA3A2AgAkIANwNYIAJCADcDUCACQgA3A0ggAkIANwNAIAJCADcDOCACQgA3AzAgAkIANwMoIAJCADcDICACQgA3AxggAkIANwMQIAJCADcDCCACQgA3AwBBACEAA0AgAiAAaiAAQYCBBGotAAA6AAAgAEEBaiEAIAEgA0EBaiIDQf8BcUsNAAsgAkGAARABCyACQYABaiQACxIAIABBA3ZB/z9xIABBEHYQBAsKAEGAgQQgABABCwYAQYCBBQscACABQQN2Qf8/cSABQRB2EARBgIEEIAAQARADCwsMAQBBgIAECwTwAAAA",hash:"22cf500a"};function C(I,A,i,C){return new(i||(i=Promise))(function(g,h){function B(I){try{f(C.next(I))}catch(I){h(I)}}function e(I){try{f(C.throw(I))}catch(I){h(I)}}function f(I){var A;I.done?g(I.value):(A=I.value,A instanceof i?A:new i(function(I){I(A)})).then(B,e)}f((C=C.apply(I,A||[])).next())})}"function"==typeof SuppressedError&&SuppressedError;class g{constructor(){this.mutex=Promise.resolve()}lock(){let I=()=>{};return this.mutex=this.mutex.then(()=>new Promise(I)),new Promise(A=>{I=A})}dispatch(I){return C(this,void 0,void 0,function*(){const A=yield this.lock();try{return yield Promise.resolve(I())}finally{A()}})}}const h="undefined"!=typeof globalThis?globalThis:"undefined"!=typeof self?self:"undefined"!=typeof window?window:global,B=null!==(A=h.Buffer)&&void 0!==A?A:null,e=h.TextEncoder?new h.TextEncoder:null;function f(I,A){return(15&I)+(I>>6|I>>3&8)<<4|(15&A)+(A>>6|A>>3&8)}const t="a".charCodeAt(0)-10,w="0".charCodeAt(0);function F(I,A,i){let C=0;for(let g=0;g<i;g++){let i=A[g]>>>4;I[C++]=i>9?i+t:i+w,i=15&A[g],I[C++]=i>9?i+t:i+w}return String.fromCharCode.apply(null,I)}const Q=null!==B?I=>{if("string"==typeof I){const A=B.from(I,"utf8");return new Uint8Array(A.buffer,A.byteOffset,A.length)}if(B.isBuffer(I))return new Uint8Array(I.buffer,I.byteOffset,I.length);if(ArrayBuffer.isView(I))return new Uint8Array(I.buffer,I.byteOffset,I.byteLength);throw new Error("Invalid data type!")}:I=>{if("string"==typeof I)return e.encode(I);if(ArrayBuffer.isView(I))return new Uint8Array(I.buffer,I.byteOffset,I.byteLength);throw new Error("Invalid data type!")},n="ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/",o=new Uint8Array(256);for(let I=0;I<64;I++)o[n.charCodeAt(I)]=I;function r(I){const A=function(I){let A=Math.floor(.75*I.length);const i=I.length;return"="===I[i-1]&&(A-=1,"="===I[i-2]&&(A-=1)),A}(I),i=I.length,C=new Uint8Array(A);let g=0;for(let A=0;A<i;A+=4){const i=o[I.charCodeAt(A)],h=o[I.charCodeAt(A+1)],B=o[I.charCodeAt(A+2)],e=o[I.charCodeAt(A+3)];C[g]=i<<2|h>>4,g+=1,C[g]=(15&h)<<4|B>>2,g+=1,C[g]=(3&B)<<6|63&e,g+=1}return C}const S=16384,U=new g,a=new Map;function s(I,A){return C(this,void 0,void 0,function*(){let i=null,g=null,h=!1;if("undefined"==typeof WebAssembly)throw new Error("WebAssembly is not supported in this environment!");const B=()=>new DataView(i.exports.memory.buffer).getUint32(i.exports.STATE_SIZE,!0),e=U.dispatch(()=>C(this,void 0,void 0,function*(){if(!a.has(I.name)){const A=r(I.data),i=WebAssembly.compile(A.buffer);a.set(I.name,i)}const A=yield a.get(I.name);i=yield WebAssembly.instantiate(A,{})})),t=(I=null)=>{h=!0,i.exports.Hash_Init(I)},w=I=>{if(!h)throw new Error("update() called before init()");(I=>{let A=0;for(;A<I.length;){const C=I.subarray(A,A+S);A+=C.length,g.set(C),i.exports.Hash_Update(C.length)}})(Q(I))},n=new Uint8Array(2*A),o=(I,C=null)=>{if(!h)throw new Error("digest() called before init()");return h=!1,i.exports.Hash_Final(C),"binary"===I?g.slice(0,A):F(n,g,A)},s=I=>"string"==typeof I?I.length<4096:I.byteLength<S;let V=s;switch(I.name){case"argon2":case"scrypt":V=()=>!0;break;case"blake2b":case"blake2s":V=(I,A)=>A<=512&&s(I);break;case"blake3":V=(I,A)=>0===A&&s(I);break;case"xxhash64":case"xxhash3":case"xxhash128":case"crc64":V=()=>!1}return yield(()=>C(this,void 0,void 0,function*(){i||(yield e);const I=i.exports.Hash_GetBuffer(),A=i.exports.memory.buffer;g=new Uint8Array(A,I,S)}))(),{getMemory:()=>g,writeMemory:(I,A=0)=>{g.set(I,A)},getExports:()=>i.exports,setMemorySize:I=>{i.exports.Hash_SetMemorySize(I);const A=i.exports.Hash_GetBuffer(),C=i.exports.memory.buffer;g=new Uint8Array(C,A,I)},init:t,update:w,digest:o,save:()=>{if(!h)throw new Error("save() can only be called after init() and before digest()");const A=i.exports.Hash_GetState(),C=B(),g=i.exports.memory.buffer,e=new Uint8Array(g,A,C),t=new Uint8Array(4+C);return function(I,A){const i=A.length>>1;for(let C=0;C<i;C++){const i=C<<1;I[C]=f(A.charCodeAt(i),A.charCodeAt(i+1))}}(t,I.hash),t.set(e,4),t},load:A=>{if(!(A instanceof Uint8Array))throw new Error("load() expects an Uint8Array generated by save()");const C=i.exports.Hash_GetState(),g=B(),e=4+g,t=i.exports.memory.buffer;if(A.length!==e)throw new Error(`Bad state length (expected ${e} bytes, got ${A.length})`);if(!function(I,A){if(I.length!==2*A.length)return!1;for(let i=0;i<A.length;i++){const C=i<<1;if(A[i]!==f(I.charCodeAt(C),I.charCodeAt(C+1)))return!1}return!0}(I.hash,A.subarray(0,4)))throw new Error("This state was written by an incompatible hash implementation");const w=A.subarray(4);new Uint8Array(t,C,g).set(w),h=!0},calculate:(I,C=null,h=null)=>{if(!V(I,C))return t(C),w(I),o("hex",h);const B=Q(I);return g.set(B),i.exports.Hash_Calculate(B.length,C,h),F(n,g,A)},hashLength:A}})}const V=new g;let J=null;function c(I){return!Number.isInteger(I)||I<8||I>512||I%8!=0?new Error("Invalid variant! Valid values: 8, 16, ..., 512"):null}function k(I,A){return I|A<<16}I.blake2b=function(I,A=512,g=null){if(c(A))return Promise.reject(c(A));let h=null,B=A;if(null!==g){if(h=Q(g),h.length>64)return Promise.reject(new Error("Max key length is 64 bytes"));B=k(A,h.length)}const e=A/8;if(null===J||J.hashLength!==e)return function(I,A,i){return C(this,void 0,void 0,function*(){const C=yield I.lock(),g=yield s(A,i);return C(),g})}(V,i,e).then(A=>(J=A,B>512&&J.writeMemory(h),J.calculate(I,B)));try{B>512&&J.writeMemory(h);const A=J.calculate(I,B);return Promise.resolve(A)}catch(I){return Promise.reject(I)}},I.createBLAKE2b=function(I=512,A=null){if(c(I))return Promise.reject(c(I));let C=null,g=I;if(null!==A){if(C=Q(A),C.length>64)return Promise.reject(new Error("Max key length is 64 bytes"));g=k(I,C.length)}const h=I/8;return s(i,h).then(I=>{g>512&&I.writeMemory(C),I.init(g);const A={init:g>512?()=>(I.writeMemory(C),I.init(g),A):()=>(I.init(g),A),update:i=>(I.update(i),A),digest:A=>I.digest(A),save:()=>I.save(),load:i=>(I.load(i),A),blockSize:128,digestSize:h};return A})}});


/***/ }),

/***/ 486:
/***/ ((module, __unused_webpack___webpack_exports__, __nccwpck_require__) => {

__nccwpck_require__.a(module, async (__webpack_handle_async_dependencies__, __webpack_async_result__) => { try {
/* harmony import */ var _main_js__WEBPACK_IMPORTED_MODULE_0__ = __nccwpck_require__(4942);
// The command line's entry: the one place (with src/action/) that reads argv and the environment.

process.exitCode = await (0,_main_js__WEBPACK_IMPORTED_MODULE_0__/* .main */ .iW)(process.argv.slice(2), process.env);

__webpack_async_result__();
} catch(e) { __webpack_async_result__(e); } }, 1);

/***/ }),

/***/ 4942:
/***/ ((__unused_webpack_module, __webpack_exports__, __nccwpck_require__) => {


// EXPORTS
__nccwpck_require__.d(__webpack_exports__, {
  iW: () => (/* binding */ main)
});

// UNUSED EXPORTS: EXIT_FAILED, EXIT_OK, EXIT_USAGE

// EXTERNAL MODULE: external "node:fs/promises"
var promises_ = __nccwpck_require__(1455);
// EXTERNAL MODULE: external "node:path"
var external_node_path_ = __nccwpck_require__(6760);
var external_node_path_default = /*#__PURE__*/__nccwpck_require__.n(external_node_path_);
;// CONCATENATED MODULE: ./src/dists/version.ts
/**
 * PEP 440 versions, parsed, normalized and ordered exactly as PyPI does it.
 *
 * PyPI (Warehouse) judges versions with `packaging.version.Version`; a version that packaging
 * refuses, or normalizes to something else, is what PyPI refuses or stores. This module follows
 * packaging ≥ 26.1 step by step (the regular expression, the spelling normalization, the comparison
 * key), including its ASCII-only letters and its Unicode-aware surrounding whitespace, so the
 * checks can quote the same canonical strings PyPI will quote. The tests compare it against the
 * Python reference on a table of tricky strings.
 */
/**
 * The characters Python's `\s` matches in a str pattern. packaging strips these around a version;
 * JavaScript's `\s` differs (it has U+FEFF, lacks U+001C–U+001F and U+0085), so they are listed.
 */
const PY_WHITESPACE = '[\\t\\n\\v\\f\\r\\x1c-\\x20\\x85\\xa0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000]';
/**
 * packaging's VERSION_PATTERN, anchored. The `i` flag without `u` folds ASCII letters only, which
 * is what packaging's `(?a:…)` groups do (so `ſ` is not an `s` and the Kelvin sign is not a `k`).
 * packaging uses possessive quantifiers for speed; for these groups they accept the same strings.
 */
const VERSION_RE = new RegExp(`^${PY_WHITESPACE}*v?` +
    '(?:(?<epoch>[0-9]+)!)?' +
    '(?<release>[0-9]+(?:\\.[0-9]+)*)' +
    '(?:[._-]?(?<preL>alpha|a|beta|b|preview|pre|c|rc)[._-]?(?<preN>[0-9]+)?)?' +
    '(?:-(?<postN1>[0-9]+)|[._-]?(?<postL>post|rev|r)[._-]?(?<postN2>[0-9]+)?)?' +
    '(?:[._-]?(?<devL>dev)[._-]?(?<devN>[0-9]+)?)?' +
    '(?:\\+(?<local>[a-z0-9]+(?:[._-][a-z0-9]+)*))?' +
    `${PY_WHITESPACE}*$`, 'i');
/**
 * Python's `int()` refuses strings of more than 4300 digits (CVE-2020-10735 mitigation), so
 * packaging raises on such a segment and PyPI can never accept it.
 */
const PYTHON_INT_MAX_DIGITS = 4300;
const PRE_SPELLINGS = {
    a: 'a',
    alpha: 'a',
    b: 'b',
    beta: 'b',
    c: 'rc',
    pre: 'rc',
    preview: 'rc',
    rc: 'rc'
};
class SegmentTooLong extends Error {
}
function toInt(digits) {
    if (digits.length > PYTHON_INT_MAX_DIGITS)
        throw new SegmentTooLong();
    return BigInt(digits);
}
/** Parses a version the way `packaging.version.Version(s)` does; undefined where it would raise. */
function parseVersion(text) {
    const m = VERSION_RE.exec(text);
    if (!m?.groups)
        return undefined;
    const g = m.groups;
    try {
        const parsed = {
            epoch: g.epoch === undefined ? 0n : toInt(g.epoch),
            release: g.release.split('.').map(toInt)
        };
        if (g.preL !== undefined) {
            parsed.pre = { label: PRE_SPELLINGS[g.preL.toLowerCase()], number: toInt(g.preN ?? '0') };
        }
        // `1.0-1` is the implicit post-release spelling; `post`, `rev` and `r` are all `.postN`.
        const postNumber = g.postN1 ?? g.postN2;
        if (g.postL !== undefined || postNumber !== undefined)
            parsed.post = toInt(postNumber ?? '0');
        if (g.devL !== undefined)
            parsed.dev = toInt(g.devN ?? '0');
        if (g.local !== undefined) {
            parsed.local = g.local
                .split(/[._-]/)
                .map(part => (/^[0-9]+$/.test(part) ? toInt(part) : part.toLowerCase()));
        }
        return parsed;
    }
    catch (e) {
        if (e instanceof SegmentTooLong)
            return undefined;
        throw e;
    }
}
/** The canonical string of a parsed version, as `str(Version(s))` writes it. */
function formatVersion(v) {
    let out = v.epoch !== 0n ? `${v.epoch}!` : '';
    out += v.release.join('.');
    if (v.pre)
        out += `${v.pre.label}${v.pre.number}`;
    if (v.post !== undefined)
        out += `.post${v.post}`;
    if (v.dev !== undefined)
        out += `.dev${v.dev}`;
    if (v.local)
        out += `+${v.local.join('.')}`;
    return out;
}
/** The canonical form of a version (`str(packaging.version.Version(s))`), or undefined if invalid. */
function normalizeVersion(text) {
    const parsed = parseVersion(text);
    return parsed && formatVersion(parsed);
}
/** The version without its local segment (`1.0+abc` → `1.0`), canonical; undefined if invalid. */
function publicVersion(text) {
    const parsed = parseVersion(text);
    return parsed && formatVersion({ ...parsed, local: undefined });
}
/** Whether the version has a local segment (`+…`), which PyPI refuses. False for invalid input. */
function isLocal(version) {
    const parsed = typeof version === 'string' ? parseVersion(version) : version;
    return parsed?.local !== undefined;
}
function toParsed(version) {
    if (typeof version !== 'string')
        return version;
    const parsed = parseVersion(version);
    if (!parsed)
        throw new TypeError(`Invalid version: '${version}'`);
    return parsed;
}
function cmp(a, b) {
    return a < b ? -1 : a > b ? 1 : 0;
}
/** Compares two sequences element by element; a proper prefix sorts first (Python tuples). */
function cmpSeq(a, b, each) {
    for (let i = 0; i < Math.min(a.length, b.length); i++) {
        const c = each(a[i], b[i]);
        if (c !== 0)
            return c;
    }
    return cmp(a.length, b.length);
}
function trimTrailingZeros(release) {
    let end = release.length;
    while (end > 0 && release[end - 1] === 0n)
        end--;
    return release.slice(0, end);
}
const PRE_RANK = { a: 0, b: 1, rc: 2 };
/**
 * The pre/post/dev part of packaging's comparison key, as one flat tuple:
 * dev-only releases (`1.0.dev1`) sort before any a/b/rc, final releases after rc;
 * no post sorts before a post; a dev sorts before no dev.
 */
function suffixKey(v) {
    let preRank;
    let preNumber = 0n;
    if (!v.pre && v.post === undefined && v.dev !== undefined)
        preRank = -1n;
    else if (!v.pre)
        preRank = 3n;
    else {
        preRank = BigInt(PRE_RANK[v.pre.label]);
        preNumber = v.pre.number;
    }
    return [
        preRank,
        preNumber,
        v.post === undefined ? 0n : 1n,
        v.post ?? 0n,
        v.dev === undefined ? 1n : 0n,
        v.dev ?? 0n
    ];
}
/** PEP 440: in a local segment, text parts sort before numbers; text compares as strings. */
function cmpLocalPart(a, b) {
    if (typeof a === 'bigint' && typeof b === 'bigint')
        return cmp(a, b);
    if (typeof a === 'string' && typeof b === 'string')
        return cmp(a, b);
    return typeof a === 'string' ? -1 : 1;
}
/**
 * PEP 440 ordering, as packaging sorts: negative if a < b, 0 if equal (`1.0` == `1.0.0`), positive
 * if a > b. Throws a TypeError for a string that is not a valid version.
 */
function compareVersions(a, b) {
    const x = toParsed(a);
    const y = toParsed(b);
    return (cmp(x.epoch, y.epoch) ||
        cmpSeq(trimTrailingZeros(x.release), trimTrailingZeros(y.release), cmp) ||
        cmpSeq(suffixKey(x), suffixKey(y), cmp) ||
        // A version without a local segment sorts before one with it.
        (x.local === undefined || y.local === undefined
            ? cmp(x.local === undefined ? 0 : 1, y.local === undefined ? 0 : 1)
            : cmpSeq(x.local, y.local, cmpLocalPart)));
}
/** Whether two versions are equal under PEP 440 (`1.0` and `1.0.0` are); false if either is invalid. */
function versionsEqual(a, b) {
    const x = parseVersion(a);
    const y = parseVersion(b);
    return x !== undefined && y !== undefined && compareVersions(x, y) === 0;
}

;// CONCATENATED MODULE: ./src/dists/filename.ts
/**
 * Project names and distribution filenames: normalization (PEP 503), wheel filename escaping
 * (PEP 427/491), sdist filenames (PEP 625), and which files are distributions at all.
 *
 * The parsers here are structural: they split a filename into its parts as written and leave the
 * judging (is the version valid, is the name normalized, is the platform allowed) to `src/check/`,
 * so one badly named file yields a precise problem instead of an unreadable "not a wheel".
 */

/** PEP 503 normalized name: lowercase, every run of `-`, `_`, `.` becomes one `-`. */
function normalizeName(name) {
    return name.replace(/[-_.]+/g, '-').toLowerCase();
}
/**
 * The name as a wheel or sdist filename must spell it: normalized, with `_` for `-` (the escaping
 * of the binary distribution format spec, which PyPI enforces for wheels and PEP 625 for sdists).
 */
function wheelNamePart(name) {
    return normalizeName(name).replace(/-/g, '_');
}
/** PEP 508 / core metadata `Name`: ASCII letters and digits at both ends, `.`, `_`, `-` inside. */
const PROJECT_NAME_RE = /^([A-Z0-9]|[A-Z0-9][A-Z0-9._-]*[A-Z0-9])$/i;
function isValidProjectName(name) {
    return PROJECT_NAME_RE.test(name);
}
/**
 * Splits `{distribution}-{version}(-{build})?-{python}-{abi}-{platform}.whl` into its parts.
 * Undefined when the shape is wrong: not `.whl`, not five or six parts, an empty part or tag,
 * or a build tag that does not start with a digit. The version and name are returned as written.
 */
function parseWheelFilename(filename) {
    if (!filename.endsWith('.whl'))
        return undefined;
    const parts = filename.slice(0, -'.whl'.length).split('-');
    if (parts.length !== 5 && parts.length !== 6)
        return undefined;
    if (parts.some(p => p === ''))
        return undefined;
    const [distribution, version] = parts;
    const build = parts.length === 6 ? parts[2] : undefined;
    if (build !== undefined && !/^[0-9]/.test(build))
        return undefined;
    const [pythonTag, abiTag, platformTag] = parts.slice(-3);
    const pythonTags = pythonTag.split('.');
    const abiTags = abiTag.split('.');
    const platformTags = platformTag.split('.');
    if ([...pythonTags, ...abiTags, ...platformTags].some(t => t === ''))
        return undefined;
    return {
        distribution,
        version,
        ...(build !== undefined ? { build } : {}),
        pythonTags,
        abiTags,
        platformTags,
        pythonTag
    };
}
/**
 * Splits `{name}-{version}.tar.gz` (or `.zip`) on the last `-`, as packaging does: a PEP 440
 * version has no `-` in its canonical form. Undefined without a `-` or with an empty part.
 */
function parseSdistFilename(filename) {
    const extension = filename.endsWith('.tar.gz')
        ? '.tar.gz'
        : filename.endsWith('.zip')
            ? '.zip'
            : undefined;
    if (!extension)
        return undefined;
    const stem = filename.slice(0, -extension.length);
    const dash = stem.lastIndexOf('-');
    if (dash <= 0 || dash === stem.length - 1)
        return undefined;
    return { name: stem.slice(0, dash), version: stem.slice(dash + 1), extension };
}
/**
 * The one sdist filename PyPI accepts for a release (PEP 625):
 * `{normalized name with _}-{canonical version}.tar.gz`.
 */
function expectedSdistFilename(name, version) {
    return `${wheelNamePart(name)}-${normalizeVersion(version) ?? version}.tar.gz`;
}
/** How a wheel filename for this release should begin: `{name with _}-{canonical version}-`. */
function expectedWheelPrefix(name, version) {
    return `${wheelNamePart(name)}-${normalizeVersion(version) ?? version}-`;
}
/**
 * What kind of distribution a filename names, by its extension: a wheel, an sdist, or a `.zip`
 * sdist (a form PyPI refuses since PEP 625, reported rather than ignored). Undefined for anything
 * else (attestations, checksums, `.egg`…).
 */
function distKindOf(filename) {
    if (filename.endsWith('.whl') && filename.length > '.whl'.length)
        return 'wheel';
    if (filename.endsWith('.tar.gz') && filename.length > '.tar.gz'.length)
        return 'sdist';
    if (filename.endsWith('.zip') && filename.length > '.zip'.length)
        return 'zip-sdist';
    return undefined;
}

;// CONCATENATED MODULE: ./src/dists/distribution.ts
/**
 * A distribution is one value, built once by `inspect` and passed along the pipeline:
 * nobody downstream re-reads or re-hashes the file.
 */
/** A problem that stops the run; thrown by discover/inspect, collected by check. */
class DistributionError extends Error {
    problems;
    constructor(problems, message = problems.map(p => `${p.file}: ${p.message}`).join('\n')) {
        super(message);
        this.problems = problems;
        this.name = 'DistributionError';
    }
}

;// CONCATENATED MODULE: ./src/pipeline/outcome.ts
const fileOutcome = (d) => ({
    filename: d.filename,
    sha256: d.digests.sha256,
    size: d.size
});
function runOutcome(result) {
    const withStatus = (status) => result.files.filter(f => f.status === status).map(f => fileOutcome(f.dist));
    const projects = new Map();
    for (const d of result.dists) {
        projects.set(`${d.name}\0${d.version}`, { name: d.name, version: d.version });
    }
    return {
        uploaded: withStatus('uploaded'),
        skipped: withStatus('skipped'),
        verified: result.files.filter(f => f.verified === true).map(f => fileOutcome(f.dist)),
        projects: [...projects.values()],
        attestationPaths: result.attestationPaths
    };
}

;// CONCATENATED MODULE: ./src/check/dedupe.ts
/**
 * download-artifact layouts often hold the same file twice (an sdist in every matrix artifact).
 * The same filename with the same content counts once; with different content nobody can tell
 * which one is meant, so that is a problem.
 */
function dedupeByFilename(dists) {
    const byName = new Map();
    for (const dist of dists) {
        const group = byName.get(dist.filename);
        if (group)
            group.push(dist);
        else
            byName.set(dist.filename, [dist]);
    }
    const unique = [];
    const duplicates = [];
    const problems = [];
    for (const [filename, group] of byName) {
        unique.push(group[0]);
        duplicates.push(...group.slice(1));
        if (new Set(group.map(d => d.digests.sha256)).size > 1) {
            problems.push({
                file: group[0].path,
                rule: 'duplicate-filename',
                message: `'${filename}' occurs ${group.length} times with different content: ` +
                    group.map(d => `${d.path} (sha256 ${d.digests.sha256.slice(0, 12)}…)`).join(', '),
                hint: 'Keep one copy: builds of the same name and version must be identical, or the version must differ.'
            });
        }
    }
    return { unique, duplicates, problems };
}

;// CONCATENATED MODULE: ./src/inspect/metadata.ts
/**
 * Core metadata (a wheel's METADATA, an sdist's PKG-INFO): the email-header text read exactly as
 * Python's email parser reads it, and mapped to the upload form as twine does (pkginfo in twine
 * ≤ 5, `packaging.metadata` in twine ≥ 6); where the two differ or PyPI decides, it says so here.
 */
/** feedparser's `headerRE`: `name:` (printable ASCII but ':' and space), a continuation, "From ". */
const HEADER_START = /^(?:From |[\x21-\x39\x3b-\x7e]*:|[ \t])/;
/** Lines end at CR, LF and CRLF only, as in Python's parser: U+2028, VT, FF... are characters. */
const LINE_BREAK = /\r\n|\r|\n/;
/**
 * METADATA / PKG-INFO as `email.parser.Parser(policy=compat32)` reads it: what pkginfo, packaging
 * (twine ≥ 6, Warehouse) and pip see. `body` is `get_payload()`: '' when there is none.
 */
function readEmailMessage(text) {
    // Header lines up to a blank line (dropped) or the first line that is not one (the body's).
    const block = [];
    let bodyStart = text.length;
    const lineEnd = /\r\n|\r|\n/g;
    for (let pos = 0; pos < text.length;) {
        lineEnd.lastIndex = pos;
        const br = lineEnd.exec(text);
        const next = br ? br.index + br[0].length : text.length;
        const line = text.slice(pos, next);
        if (!HEADER_START.test(line)) {
            bodyStart = line[0] === '\r' || line[0] === '\n' ? next : pos;
            break;
        }
        block.push(line);
        pos = next;
    }
    const headers = [];
    let current;
    const flush = () => {
        if (!current)
            return;
        const colon = current[0].indexOf(':');
        const value = current[0].slice(colon + 1).replace(/^[ \t]+/, '') + current.slice(1).join('');
        headers.push({ name: current[0].slice(0, colon), raw: value.replace(/[\r\n]+$/, '') });
        current = undefined;
    };
    let pushedBack = '';
    block.forEach((line, i) => {
        // A continuation with no header before it is a defect Python drops.
        if (line[0] === ' ' || line[0] === '\t')
            return void current?.push(line);
        flush();
        // An mbox "From " line: skipped, but the body's first line when it ends the headers.
        if (line.startsWith('From '))
            pushedBack = i > 0 && i === block.length - 1 ? line : '';
        // ":value" has no name: Python skips the line.
        else if (!line.startsWith(':'))
            current = [line];
    });
    flush();
    return { headers, body: pushedBack + text.slice(bodyStart) };
}
/**
 * Parses METADATA / PKG-INFO: headers in file order, names as written (lookups ignore case), and
 * values prepared for the form (`unfold`). A non-empty body is the description, else the header.
 */
function parseCoreMetadata(text) {
    const message = readEmailMessage(text);
    const headers = message.headers.map(({ name, raw }) => ({ name, value: unfold(name, raw) }));
    const meta = { headers };
    // packaging would call having both an error; src/check/ can flag it, we keep the body.
    const description = message.body !== '' ? message.body : getHeader(meta, 'Description');
    if (description !== undefined)
        meta.description = description;
    return meta;
}
/** The folding whitespace; other Unicode spaces stay, as in the value Python reads. */
const trimFolding = (text) => text.replace(/^[ \t\r\n]+|[ \t\r\n]+$/g, '');
/**
 * `License` as read (twine ≥ 6 keeps a licence text's layout); `Description` as pkginfo unfolds
 * it, minus the 8-space indent or the spec's "7 spaces + |" ("8 spaces + |" keeps its pipe: an
 * RST line block); any other header's lines trimmed and joined with a space, as pkginfo did.
 */
function unfold(name, raw) {
    const key = name.toLowerCase();
    if (key === 'license')
        return raw;
    const lines = trimFolding(raw).split(LINE_BREAK);
    if (key !== 'description')
        return lines.map(trimFolding).join(' ');
    return lines
        .map(l => (/^ {7}\|/.test(l) || l.startsWith(' '.repeat(8)) ? l.slice(8) : l))
        .join('\n');
}
/** The first value of a header, by case-insensitive name. */
function getHeader(meta, name) {
    return getAll(meta, name)[0];
}
/** Every value of a header, by case-insensitive name, in file order. */
function getAll(meta, name) {
    const wanted = name.toLowerCase();
    return meta.headers.filter(h => h.name.toLowerCase() === wanted).map(h => h.value);
}
/**
 * Every header the core metadata spec knows, in its order, by the Metadata-Version that brought
 * it; `*` marks multiple use. `Import-Name`/`Import-Namespace`: PyPI's singular form names.
 */
const SPEC = {
    '1.0': 'metadata-version name version platform* summary description keywords home-page author ' +
        'author-email license',
    '1.1': 'supported-platform* classifier* download-url requires* provides* obsoletes*',
    '1.2': 'maintainer maintainer-email requires-python requires-external* requires-dist* ' +
        'provides-dist* obsoletes-dist* project-url*',
    '2.1': 'description-content-type provides-extra*',
    '2.2': 'dynamic*',
    '2.4': 'license-expression license-file*',
    '2.5': 'import-name* import-namespace*'
};
const FIELDS = new Map(Object.entries(SPEC).flatMap(([since, names]) => names.split(' ').map(n => [n.replace('*', ''), { since, multiple: n.endsWith('*') }])));
/** The form names the generic rule (lowercase, `-` → `_`) would not give. */
const FORM_NAMES = {
    classifier: 'classifiers',
    'project-url': 'project_urls'
};
/** Every header the core metadata spec knows, lowercase, in the spec's order. */
const knownFields = () => [...FIELDS.keys()];
/** The upload form name of a header (docs/upload-protocol.md §1). */
function formFieldName(header) {
    const key = header.toLowerCase();
    return FORM_NAMES[key] ?? key.replace(/-/g, '_');
}
/** True for headers the core metadata spec knows (any case). */
const isKnownHeader = (header) => FIELDS.has(header.toLowerCase());
/** True for headers the spec allows more than once; undefined for unknown headers. */
const isMultipleUse = (header) => FIELDS.get(header.toLowerCase())?.multiple;
/** The Metadata-Version that introduced a header (`'2.4'` for License-File), if the spec knows it. */
const fieldIntroducedIn = (header) => FIELDS.get(header.toLowerCase())?.since;
/** `'2.1'` → [2, 1]; undefined for anything that is not `<major>.<minor>`. */
function parseMetadataVersion(value) {
    const match = value === undefined ? null : /^(\d+)\.(\d+)$/.exec(value.trim());
    return match ? [Number(match[1]), Number(match[2])] : undefined;
}
/** Is the header newer than the declared version (false when either is not `<major>.<minor>`)? */
function newerThan(declared, header) {
    const since = parseMetadataVersion(fieldIntroducedIn(header));
    if (!declared || !since)
        return false;
    return declared[0] < since[0] || (declared[0] === since[0] && declared[1] < since[1]);
}
/** Headers newer than the declared Metadata-Version, in file order (check/metadata-rules.ts). */
function fieldsNewerThanDeclared(meta) {
    const declared = parseMetadataVersion(getHeader(meta, 'Metadata-Version'));
    return meta.headers
        .filter(({ name }) => newerThan(declared, name))
        .map(({ name }) => ({ name, since: fieldIntroducedIn(name) }));
}
/**
 * PyPI (Warehouse's `sanitize`) drops a value that is "UNKNOWN" once trimmed (distutils wrote it)
 * and treats '' as absent: we leave both out, which keeps other indexes from storing "UNKNOWN".
 */
function isAbsent(value) {
    const trimmed = value.trim();
    return trimmed === '' || trimmed === 'UNKNOWN';
}
/** twine's `_safe_name` (from pkg_resources): runs of other than letters, digits, '.' → '-'. */
const safeName = (name) => name.replace(/[^A-Za-z0-9.]+/g, '-');
/** Keywords as packaging splits them and twine joins them; Project-URL as `label, url`. */
function normalize(key, value) {
    if (key === 'name')
        return safeName(value);
    if (key === 'keywords')
        return value
            .split(',')
            .map(k => k.trim())
            .join(', ');
    if (key !== 'project-url')
        return value;
    const comma = value.indexOf(',');
    const label = (comma < 0 ? value : value.slice(0, comma)).trim();
    return `${label}, ${comma < 0 ? '' : value.slice(comma + 1).trim()}`;
}
/**
 * The metadata part of the upload form, in header order, then `description`. A header newer than
 * the declared Metadata-Version is not sent (pkginfo reads only the declared version's; twine ≥ 6
 * drops License-File under 2.4, which setuptools writes with 2.1; check/metadata-rules.ts refuses
 * the others, as PyPI does). Unknown headers go under the generic name (PyPI ignores them).
 */
function metadataToFormFields(meta) {
    const declared = parseMetadataVersion(getHeader(meta, 'Metadata-Version'));
    const fields = meta.headers
        .filter(({ name, value }) => {
        const key = name.toLowerCase();
        return key !== 'description' && !newerThan(declared, name) && !isAbsent(value);
    })
        .map(({ name, value }) => [formFieldName(name), normalize(name.toLowerCase(), value)]);
    if (meta.description !== undefined && !isAbsent(meta.description)) {
        fields.push(['description', meta.description]);
    }
    return fields;
}

;// CONCATENATED MODULE: ./src/check/description/content-type.ts
/**
 * Description-Content-Type as PyPI reads it. Two parts of PyPI look at it:
 * - its metadata validation (`packaging.metadata`) accepts only `text/plain`, `text/x-rst` and
 *   `text/markdown`, a `charset` of exactly `UTF-8`, and a Markdown `variant` of `GFM` or
 *   `CommonMark`;
 * - its renderer choice (Warehouse `utils/readme.py`) parses the type the way Python's `email`
 *   package does and picks reStructuredText when nothing is declared, plain text for a type it
 *   does not know. Parameters are not passed to the renderer: Markdown is rendered as GFM.
 */
const KNOWN_CONTENT_TYPES = ['text/plain', 'text/x-rst', 'text/markdown'];
const MARKDOWN_VARIANTS = ['GFM', 'CommonMark'];
function parseDescriptionContentType(header) {
    const declared = header?.trim() || undefined;
    if (declared === undefined)
        return { type: 'text/x-rst', params: {}, renderer: 'rst' };
    const [head, ...rest] = declared.split(';');
    let type = head.trim().toLowerCase();
    // Python's Message.get_content_type(): anything that is not `a/b` counts as text/plain (RFC 2045).
    if (type.split('/').length !== 2)
        type = 'text/plain';
    const params = parseParams(rest);
    const parsed = { declared, type, params, renderer: rendererFor(type) };
    // packaging also refuses a value that only became text/plain by the fallback above.
    if (!KNOWN_CONTENT_TYPES.includes(type) ||
        !declared.toLowerCase().includes(type)) {
        parsed.invalid = `must be one of ${KNOWN_CONTENT_TYPES.join(', ')}, not '${declared}'`;
    }
    else if ((params.charset ?? 'UTF-8') !== 'UTF-8') {
        // Compared exactly, as packaging does: 'utf-8' is refused too.
        parsed.invalid = `can only specify the UTF-8 charset, not '${params.charset}'`;
    }
    else if (type === 'text/markdown' && !MARKDOWN_VARIANTS.includes(params.variant ?? 'GFM')) {
        parsed.invalid = `valid Markdown variants are ${MARKDOWN_VARIANTS.join(', ')}, not '${params.variant}'`;
    }
    return parsed;
}
function rendererFor(type) {
    if (type === 'text/x-rst')
        return 'rst';
    if (type === 'text/markdown')
        return 'markdown';
    return 'txt';
}
/** `name=value` pairs; names are case-insensitive, values keep their case, quotes come off. */
function parseParams(pieces) {
    // No prototype: a parameter named `__proto__` or `constructor` is just a name.
    const params = Object.create(null);
    for (const piece of pieces) {
        const eq = piece.indexOf('=');
        if (eq < 0)
            continue;
        const name = piece.slice(0, eq).trim().toLowerCase();
        let value = piece.slice(eq + 1).trim();
        if (value.length >= 2 && value.startsWith('"') && value.endsWith('"')) {
            value = value.slice(1, -1).replace(/\\(.)/g, '$1');
        }
        if (name !== '' && !(name in params))
            params[name] = value;
    }
    return params;
}

;// CONCATENATED MODULE: ./src/check/description/markdown.ts
/**
 * Markdown and plain text as PyPI renders them, decided without Python.
 *
 * readme_renderer's plain-text renderer escapes the text and never returns None (its sanitizer
 * only fails on bad arguments, never on input), so PyPI accepts any plain text. Its Markdown
 * renderer (comrak in readme_renderer 45.0, cmarkgfm before) parses any input; it returns None —
 * which PyPI refuses — only when the rendered HTML is empty. For a description that is not blank
 * (blank ones are reported as missing before this), that happens when every line is blank or a
 * link reference definition (`[label]: https://…`), which renders to nothing.
 */
/**
 * One link reference definition on one line (CommonMark §4.7): up to three spaces, a label with
 * something other than whitespace and no unescaped brackets, a colon, a destination (`<…>` or
 * text without spaces), an optional title, nothing else. `[^x]:` is a footnote (GFM), not a
 * link definition, so it is left out: what is not matched here is taken to render, so a doubt
 * never refuses a description PyPI accepts.
 */
const LINK_DEFINITION = /^ {0,3}\[(?!\^)(?=[^\]]*\S)(?:[^\\[\]]|\\.){1,999}\]:[ \t]*(?:<[^<>\n]*>|[^\s<>()]+)(?:[ \t]+(?:"(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*'|\((?:[^()\\]|\\.)*\)))?[ \t]*$/;
/** True when PyPI renders this Markdown to nothing, and so refuses it. */
function markdownRendersNothing(text) {
    return text.split(/\r\n|\r|\n/).every(line => line.trim() === '' || LINK_DEFINITION.test(line));
}

;// CONCATENATED MODULE: external "node:os"
const external_node_os_namespaceObject = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:os");
var external_node_os_default = /*#__PURE__*/__nccwpck_require__.n(external_node_os_namespaceObject);
;// CONCATENATED MODULE: external "node:child_process"
const external_node_child_process_namespaceObject = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:child_process");
// EXTERNAL MODULE: external "node:string_decoder"
var external_node_string_decoder_ = __nccwpck_require__(6193);
;// CONCATENATED MODULE: ./src/shared/excerpt.ts
/** The mark of a cut. The Redactor (redact.ts) treats it as an end of text: keep them the same. */
const CUT_MARK = '…';
/**
 * At most `max` characters (UTF-16 units) of text from outside (an index's answer, a program's
 * output), with the cut marked by `…`. The mark matters beyond looks: a secret cut in half leaves
 * only its first characters, which the Redactor can recognise only where a cut is marked (or at
 * the very end of the text), and an excerpt is often quoted inside a longer message.
 * A surrogate pair is never split, so the excerpt stays valid text.
 */
function excerpt(text, max) {
    if (text.length <= max)
        return text;
    let end = max;
    const last = text.charCodeAt(end - 1);
    if (last >= 0xd800 && last <= 0xdbff)
        end--;
    return text.slice(0, end) + CUT_MARK;
}

;// CONCATENATED MODULE: ./src/process/run-process.ts
/**
 * Runs a program with text on stdin and collects its output, with a time limit — at once
 * (`runProcess`), or started early with its input written later (`startProcess`). Uses
 * `node:child_process` directly rather than @actions/exec, so the checks that need a helper
 * program (Python) do not depend on running inside GitHub Actions.
 */



/**
 * Starts a program now and lets the caller write its input later, so the program's own start-up
 * (Python importing its libraries, say) overlaps the caller's work. Until `endInput`, neither the
 * program nor its pipes keep Node's event loop alive: a helper that was started early and then
 * forgotten must not keep the action running. (Its stdin closes when this process exits, which
 * ends a program that waits for its input.) The time limit counts from `endInput`, because a
 * program waiting for its input is not slow.
 */
const startProcess = (command, args, options) => {
    const stdout = [];
    const stderr = [];
    const onLine = options.onLine;
    const lines = onLine && {
        stdout: new LineSplitter(line => onLine(line, 'stdout')),
        stderr: new LineSplitter(line => onLine(line, 'stderr'))
    };
    let timedOut = false;
    let settled = false;
    let inputEnded = false;
    let timer;
    let resolveResult = () => undefined;
    const result = new Promise(resolve => (resolveResult = resolve));
    const finish = (exitCode, spawnError) => {
        if (settled)
            return;
        settled = true;
        clearTimeout(timer);
        lines?.stdout.end();
        lines?.stderr.end();
        resolveResult({
            exitCode,
            stdout: Buffer.concat(stdout).toString('utf8'),
            stderr: Buffer.concat(stderr).toString('utf8'),
            spawnError,
            timedOut
        });
    };
    const child = (0,external_node_child_process_namespaceObject.spawn)(command, [...args], {
        env: options.env.toSpawn(),
        cwd: options.cwd,
        stdio: ['pipe', 'pipe', 'pipe'],
        windowsHide: true,
        windowsVerbatimArguments: options.windowsVerbatimArguments
    });
    // What is kept of each stream is bounded: a build that prints without end (or a hostile
    // dependency) must not fill memory. The lines still reach the log as they come.
    const keeper = (kept) => {
        let size = 0;
        return (chunk) => {
            if (size >= MAX_KEPT_OUTPUT)
                return;
            const part = chunk.subarray(0, MAX_KEPT_OUTPUT - size);
            kept.push(part);
            size += part.length;
        };
    };
    const keepStdout = keeper(stdout);
    const keepStderr = keeper(stderr);
    child.stdout.on('data', (chunk) => {
        keepStdout(chunk);
        lines?.stdout.write(chunk);
    });
    child.stderr.on('data', (chunk) => {
        keepStderr(chunk);
        lines?.stderr.write(chunk);
    });
    // A program that exits without reading its input (too old, crashed, killed) makes the write
    // fail with EPIPE; its exit status tells the story, so the stream error is not one.
    child.stdin.on('error', () => undefined);
    child.on('error', error => finish(null, error));
    child.on('close', code => finish(code));
    setHoldsEventLoop(child, false);
    return {
        pid: child.pid,
        endInput(input = '') {
            if (inputEnded)
                return;
            inputEnded = true;
            if (settled)
                return;
            // From here on the caller waits for the result, so the program must keep Node running.
            setHoldsEventLoop(child, true);
            if (options.timeoutMs !== undefined) {
                timer = setTimeout(() => {
                    timedOut = true;
                    child.kill('SIGKILL');
                }, options.timeoutMs);
            }
            child.stdin.end(input, 'utf8');
        },
        kill() {
            if (settled)
                return;
            // Whoever kills waits for the exit; an unreferenced child would let Node leave before it.
            setHoldsEventLoop(child, true);
            child.kill('SIGKILL');
        },
        result
    };
};
/**
 * The most of one output stream kept for the caller: far above what the render script answers
 * (a status per description) or a failure message needs, far below what would hurt the runner.
 */
const MAX_KEPT_OUTPUT = 16 * 1024 * 1024;
/** The child process and its pipes (net.Socket underneath) keep the event loop alive, or not. */
function setHoldsEventLoop(child, hold) {
    for (const handle of [child, child.stdin, child.stdout, child.stderr]) {
        if (hold)
            handle.ref?.();
        else
            handle.unref?.();
    }
}
/** A `RunProcess` made of a `StartProcess`: starts the program and writes its input at once. */
function runWith(start) {
    return (command, args, options) => {
        const running = start(command, args, options);
        running.endInput(options.input);
        return running.result;
    };
}
/** Never rejects: every way a run can go wrong is described in the result. */
const runProcess = runWith(startProcess);
/**
 * Cuts a byte stream into lines. The decoder keeps a multi-byte character split across two chunks
 * whole; a line split across chunks waits for its end; the last line may have no line ending.
 */
class LineSplitter {
    emit;
    decoder = new external_node_string_decoder_.StringDecoder('utf8');
    pending = '';
    constructor(emit) {
        this.emit = emit;
    }
    write(chunk) {
        const parts = (this.pending + this.decoder.write(chunk)).split('\n');
        this.pending = parts.pop() ?? '';
        for (const line of parts)
            this.emit(line.replace(/\r$/, ''));
    }
    end() {
        this.pending += this.decoder.end();
        if (this.pending !== '')
            this.emit(this.pending.replace(/\r$/, ''));
        this.pending = '';
    }
}
/** How a run went wrong, in a few words for an error message. */
function describeFailure(result) {
    if (result.spawnError?.code === 'ENOENT')
        return 'not found';
    if (result.spawnError)
        return `could not be started (${result.spawnError.message})`;
    if (result.timedOut)
        return 'took too long and was stopped';
    const said = lastOutputLine(result.stderr || result.stdout);
    return `exited with code ${result.exitCode}${said ? `: ${said}` : ''}`;
}
/** The last non-empty line of a program's output, which is where Python and pip say what failed. */
function lastOutputLine(text) {
    const lines = text
        .trim()
        .split(/\r?\n/)
        .filter(l => l.trim() !== '');
    const last = lines[lines.length - 1] ?? '';
    return excerpt(last, 300);
}

;// CONCATENATED MODULE: ./src/process/python.ts
/**
 * What the build step and the description check share about the runner's Python: which command
 * to try, and how to add a package for one run without touching that Python.
 */




/**
 * Windows runners have `python` on PATH; `python3` there may be the Microsoft Store stub, which
 * only prints advice. Elsewhere `python` may be missing or, on old systems, Python 2.
 */
function defaultPythons(platform = process.platform) {
    return platform === 'win32' ? ['python', 'python3'] : ['python3', 'python'];
}
/**
 * `pip install --target <temp>` and an environment with that folder on PYTHONPATH. Never into the
 * runner's Python: the system Python of ubuntu-24.04 runners is externally managed (PEP 668) and
 * refuses a plain `pip install`, and a publishing step should leave no trace.
 */
async function installTemporarily(run, python, requirement, options) {
    const target = await (0,promises_.mkdtemp)(external_node_path_default().join(external_node_os_default().tmpdir(), 'pypi-publish-pip-'));
    const dispose = () => (0,promises_.rm)(target, { recursive: true, force: true });
    const requirements = typeof requirement === 'string' ? [requirement] : [...requirement];
    const command = `${python} -m pip install --target ${target} ${requirements.join(' ')}`;
    const pip = await run(python, [
        '-m',
        'pip',
        'install',
        '--disable-pip-version-check',
        '--no-input',
        '--progress-bar',
        'off',
        '--no-warn-script-location',
        ...(options.pipOptions ?? []),
        '--target',
        target,
        ...requirements
    ], {
        env: options.env,
        timeoutMs: options.timeoutMs,
        onLine: options.onLine ? line => options.onLine?.(line) : undefined
    });
    if (pip.exitCode !== 0) {
        await dispose();
        return { ok: false, command, failure: describeFailure(pip) };
    }
    const pythonPath = [target, options.env.get('PYTHONPATH')].filter(Boolean).join((external_node_path_default()).delimiter);
    return { ok: true, command, env: options.env.with({ PYTHONPATH: pythonPath }), dispose };
}

;// CONCATENATED MODULE: ./src/check/description/render-script.ts
/**
 * The Python program that renders descriptions with readme_renderer, the library PyPI (and
 * `twine check`) renders them with. Kept as a string, not a .py file, so the bundler carries it
 * inside the action.
 *
 * Protocol: stdin is UTF-8 JSON `{"items": [{"renderer": "rst", "text": …}]}`;
 * stdout is one JSON object (ASCII only, so no console encoding can garble it), `RenderReply`.
 * The program itself decides whether it can do the job (Python version, readme_renderer
 * importable), so one run both probes and renders. Only reStructuredText comes here: Markdown and
 * plain text are checked without Python (`markdown.ts`). It does all of that before reading
 * stdin, so it can be started early and handed the request later; "too-old" and "missing" are
 * answered without reading stdin at all. Empty input means no request: it exits with no answer.
 *
 * It must still compile on Python 2, so that an old `python` answers "too old" instead of
 * failing with a SyntaxError: no f-strings, no annotations.
 */
const RENDER_SCRIPT = `
import json
import sys

REAL_STDOUT = sys.stdout


def reply(answer):
    answer["python"] = ".".join(str(n) for n in sys.version_info[:3])
    answer["executable"] = sys.executable
    REAL_STDOUT.write(json.dumps(answer))
    REAL_STDOUT.flush()


def describe(exc):
    return "%s: %s" % (type(exc).__name__, exc)


def installed_versions():
    found = {}
    from importlib import metadata
    for name in ("readme_renderer", "docutils", "Pygments", "nh3", "bleach"):
        try:
            found[name] = metadata.version(name)
        except Exception:
            pass
    return found


def render_rst(text, halt_level=None):
    import io
    import readme_renderer.rst

    stream = io.StringIO()
    saved = readme_renderer.rst.SETTINGS.get("halt_level")
    if halt_level is not None:
        readme_renderer.rst.SETTINGS["halt_level"] = halt_level
    try:
        html = readme_renderer.rst.render(text, stream=stream)
    finally:
        readme_renderer.rst.SETTINGS["halt_level"] = saved
    # PyPI refuses exactly when the renderer returns None.
    return {"status": "ok" if html is not None else "failed", "messages": stream.getvalue()}


def render(item):
    try:
        result = render_rst(item["text"])
        if result["status"] == "failed":
            # 3 is docutils' ERROR level: what fails here fails under any docutils version.
            result["atErrorLevel"] = render_rst(item["text"], halt_level=3)
        return result
    except Exception as exc:
        return {"status": "crashed", "error": describe(exc)}


def main():
    if sys.version_info < (3, 8):
        reply({"status": "too-old"})
        return
    # Everything that does not depend on the request comes before reading it: the caller may
    # start this program before it has the descriptions, so these imports overlap its own work.
    try:
        import readme_renderer.rst
    except Exception as exc:
        reply({"status": "missing", "error": describe(exc)})
        return
    versions = installed_versions()

    data = sys.stdin.buffer.read()
    if not data.strip():
        # No request: the caller cancelled, or went away (which closes this end too).
        return
    request = json.loads(data.decode("utf-8"))
    # Nothing a renderer prints may get into the answer.
    sys.stdout = sys.stderr
    results = [render(item) for item in request["items"]]
    reply({"status": "rendered", "versions": versions, "results": results})


main()
`;

;// CONCATENATED MODULE: ./src/check/description/readme-renderer.ts



/**
 * What PyPI renders descriptions with: Warehouse pins these in `requirements/main.txt`
 * (readme-renderer[md]==45.0, docutils==0.23, pygments==2.20.0). Pygments counts too: a
 * `code-block` in a language it does not know is a docutils warning. Keys are the distribution
 * names the render script reports versions under.
 */
const PYPI_RENDERER_VERSIONS = {
    readme_renderer: '45.0',
    docutils: '0.23',
    Pygments: '2.20.0'
};
/** pip's network limits: seconds per connection attempt, and retries. */
const PIP_NETWORK_OPTIONS = ['--timeout', '10', '--retries', '1'];
const INSTALL_TIMEOUT_MS = 60_000;
/** `readme_renderer 45.0, docutils 0.23`: versions for a message. */
function describeVersions(versions) {
    return Object.entries(versions)
        .map(([name, version]) => `${name} ${version}`)
        .join(', ');
}
function matchesPyPI(versions, pypi) {
    return Object.entries(pypi).every(([name, version]) => versions[name] === version);
}
/**
 * Starts the first Python to try, which imports readme_renderer and then waits for the
 * descriptions. Until `render`, it does not keep Node running (see `startProcess`).
 */
function startRenderer(options) {
    const pythons = options.python ? [options.python] : defaultPythons();
    const env = options.env;
    const first = startScript(pythons[0], env, options);
    let state = 'waiting';
    return {
        python: pythons[0],
        pid: first.pid,
        render(requests, log) {
            if (state !== 'waiting') {
                return Promise.reject(new Error(`This renderer cannot render: it was ${state} already`));
            }
            state = 'used';
            return renderWith(requests, log, { ...options, env }, pythons, first);
        },
        async cancel() {
            if (state === 'waiting')
                state = 'cancelled';
            first.kill();
            await first.result;
        }
    };
}
/** Renders in one go: `startRenderer` and `render` at once. */
function renderDescriptions(requests, options) {
    return startRenderer(options).render(requests, options.log);
}
/** `first` is the render script already started with `pythons[0]`, waiting for its input. */
async function renderWith(requests, log, options, pythons, first) {
    const input = JSON.stringify({ items: requests });
    const pypi = options.pypiVersions ?? PYPI_RENDERER_VERSIONS;
    /** Why each Python that could not be used at all was passed over. */
    const unusable = [];
    /** The first Python that works but lacks readme_renderer, or has other versions than PyPI. */
    let installInto;
    /** The runner's own rendering, with versions other than PyPI's: used if no better comes. */
    let own;
    for (const [i, python] of pythons.entries()) {
        const script = i === 0 ? first : startScript(python, options.env, options);
        const answer = await answerOf(script, input);
        if (typeof answer === 'string') {
            unusable.push(`${python}: ${answer}`);
        }
        else if (answer.status === 'too-old') {
            unusable.push(`${python}: Python ${answer.python} is older than 3.8`);
        }
        else if (answer.status === 'missing') {
            log.debug(`${python} cannot import readme_renderer: ${answer.error}`);
            installInto ??= { python, version: answer.python, what: 'readme_renderer is not installed' };
        }
        else if (matchesPyPI(answer.versions, pypi)) {
            return outcome(python, answer, { installed: false, asPyPI: true });
        }
        else {
            own = { python, reply: answer };
            installInto = {
                python,
                version: answer.python,
                what: `${python} has ${describeVersions(pick(answer.versions, pypi))}`
            };
            // A working readme_renderer: its rendering is the fallback; no other Python is tried.
            break;
        }
    }
    let note;
    if (installInto && options.allowInstall !== false) {
        const installed = await installAndRender(installInto.python, input, log, options, pypi);
        if (typeof installed !== 'string') {
            return outcome(installInto.python, installed, {
                installed: true,
                asPyPI: matchesPyPI(installed.versions, pypi)
            });
        }
        note = `PyPI's ${describeVersions(pypi)} ${installed}`;
    }
    else if (installInto) {
        note = `installing PyPI's ${describeVersions(pypi)} is not allowed here`;
    }
    if (own) {
        return outcome(own.python, own.reply, { installed: false, asPyPI: false, note });
    }
    if (installInto) {
        return {
            rendered: false,
            reason: `${installInto.what} for ${installInto.python} (Python ${installInto.version}) and ${note}`
        };
    }
    return { rendered: false, reason: `no Python 3.8 or newer found (${unusable.join('; ')})` };
}
/** The runner's versions of the packages PyPI pins (`missing` for one it lacks). */
function pick(versions, pypi) {
    return Object.fromEntries(Object.keys(pypi).map(name => [name, versions[name] ?? 'missing']));
}
function outcome(python, reply, how) {
    return {
        rendered: true,
        python,
        executable: reply.executable,
        pythonVersion: reply.python,
        versions: reply.versions,
        results: reply.results,
        ...how
    };
}
/**
 * Installs PyPI's versions into a temporary folder and renders again with it first on the path.
 * Bounded: pip's own network timeout and one retry, and a hard limit on the whole install.
 */
async function installAndRender(python, input, log, options, pypi) {
    const requirements = Object.entries(pypi).map(([name, version]) => `${name}==${version}`);
    const limitMs = options.installTimeoutMs ?? INSTALL_TIMEOUT_MS;
    log.info(`Installing PyPI's ${describeVersions(pypi)} with ${python} -m pip into a temporary folder ` +
        `(at most ${Math.round(limitMs / 1000)} s), to check the descriptions as PyPI renders them`);
    const started = Date.now();
    const run = runWith(options.start ?? startProcess);
    const install = await installTemporarily(run, python, requirements, {
        env: options.env,
        timeoutMs: limitMs,
        pipOptions: PIP_NETWORK_OPTIONS,
        onLine: line => log.debug(`pip: ${line}`)
    });
    if (!install.ok)
        return `could not be installed (${install.command}: ${install.failure})`;
    log.info(`Installed in ${((Date.now() - started) / 1000).toFixed(1)} s`);
    try {
        const answer = await answerOf(startScript(python, install.env, options), input);
        if (typeof answer === 'string')
            return `were installed, but then ${python} failed: ${answer}`;
        if (answer.status !== 'rendered') {
            const error = answer.status === 'missing' ? answer.error : `Python ${answer.python} is too old`;
            return `could not be imported after installing them (${error})`;
        }
        return answer;
    }
    finally {
        await install.dispose();
    }
}
/** Starts the render script, which gets ready and then waits for its input. */
function startScript(python, env, options) {
    const start = options.start ?? startProcess;
    return start(python, ['-c', RENDER_SCRIPT], { env, timeoutMs: options.timeoutMs ?? 120_000 });
}
/** Hands the started script its input and reads its answer; a string says why there is none. */
async function answerOf(script, input) {
    script.endInput(input);
    return readReply(await script.result);
}
function readReply(result) {
    if (result.exitCode !== 0)
        return describeFailure(result);
    try {
        const reply = JSON.parse(result.stdout);
        if (typeof reply === 'object' && reply !== null && typeof reply.status === 'string')
            return reply;
    }
    catch {
        // Falls through: not the answer of our script (a stub, a wrapper that prints).
    }
    return `did not answer as expected (${lastOutputLine(result.stdout || result.stderr) || '(no output)'})`;
}

;// CONCATENATED MODULE: ./src/check/description/description.ts




const HELP_URL = 'https://pypi.org/help/#description-content-type';
/** The pyproject.toml / setup.py spellings, for hints. */
const DECLARE_MARKDOWN = 'pyproject.toml: `readme = "README.md"` (the .md suffix declares it) or ' +
    '`readme = {file = "README.md", content-type = "text/markdown"}`; ' +
    'setup.py: `long_description_content_type="text/markdown"`';
/** Checks every distribution's description in one Python run; see the module comment. */
async function checkDescriptions(dists, options) {
    const { log } = options;
    const errors = [];
    const warnings = [];
    const requests = [];
    const requestIndex = new Map();
    const pending = [];
    for (const dist of dists) {
        const contentType = parseDescriptionContentType(getHeader(dist.metadata, 'Description-Content-Type'));
        // PyPI refuses the upload outright (400) for a content type packaging.metadata rejects.
        if (contentType.invalid)
            errors.push(contentTypeProblem(dist, contentType));
        const text = dist.metadata.description;
        if (text === undefined || isBlankOrUnknown(text)) {
            warnings.push({
                file: dist.path,
                rule: 'description-missing',
                message: '`long_description` missing: PyPI will show an empty page for this release.',
                hint: 'Give the project a README: pyproject.toml `[project] readme = "README.md"`, or ' +
                    '`long_description=open("README.md").read()` in setup.py.'
            });
            continue;
        }
        if (contentType.renderer !== 'rst') {
            // Plain text always renders; Markdown unless it renders to nothing. No Python for these.
            if (contentType.renderer === 'markdown' && markdownRendersNothing(text)) {
                errors.push(renderError(dist, contentType, text, ''));
            }
            continue;
        }
        // A wheel and an sdist of one release usually carry the same description: render it once.
        let index = requestIndex.get(text);
        if (index === undefined) {
            index = requests.push({ renderer: 'rst', text }) - 1;
            requestIndex.set(text, index);
        }
        pending.push({ dist, contentType, request: index });
    }
    if (requests.length === 0)
        return { errors, warnings };
    const renderer = options.renderer ?? startRenderer(options);
    const outcome = await renderer.render(requests, log);
    if (!outcome.rendered) {
        const skipped = `Description not checked: ${outcome.reason}. ` +
            'PyPI may refuse a description that does not render.';
        log.warning(skipped);
        return { errors, warnings, skipped };
    }
    logVersions(outcome, log, options.pypiVersions ?? PYPI_RENDERER_VERSIONS);
    for (const { dist, contentType, request } of pending) {
        const result = outcome.results[request];
        const text = requests[request].text;
        if (result.status === 'crashed') {
            warnings.push({
                file: dist.path,
                rule: 'description-unchecked',
                message: `Description not checked: readme_renderer failed on it (${result.error}).`,
                hint: 'Run `twine check` on the file to see whether PyPI could render it.'
            });
        }
        else if (result.status === 'failed') {
            const problem = judgeFailure(dist, contentType, text, result, outcome, options);
            if (problem.error)
                errors.push(problem.problem);
            else
                warnings.push(problem.problem);
        }
    }
    return { errors, warnings };
}
function logVersions(outcome, log, pypi) {
    const where = `on Python ${outcome.pythonVersion} (${outcome.executable})`;
    if (outcome.asPyPI) {
        log.info(`Descriptions rendered as PyPI renders them, with ${describeVersions(outcome.versions)} ${where}`);
        return;
    }
    log.notice(`Descriptions rendered with ${describeVersions(outcome.versions)} ${where}, not with ` +
        `PyPI's ${describeVersions(pypi)}${outcome.note ? `: ${outcome.note}` : ''}. Only ` +
        'docutils errors, which fail under every version, stop the upload; text that these ' +
        'versions warn about is reported as a warning.');
}
/**
 * A reStructuredText description that did not render: an error when PyPI's versions rendered
 * it or docutils reports an ERROR (no version accepts it), otherwise a warning naming both
 * docutils versions.
 */
function judgeFailure(dist, contentType, text, result, outcome, options) {
    if (outcome.asPyPI) {
        return { error: true, problem: renderError(dist, contentType, text, result.messages ?? '') };
    }
    const atError = result.atErrorLevel;
    if (atError === undefined || atError.status === 'failed') {
        // Shown: what fails under every version (the first WARNING may only be this docutils').
        const messages = atError?.messages || result.messages || '';
        return { error: true, problem: renderError(dist, contentType, text, messages) };
    }
    const pypi = options.pypiVersions ?? PYPI_RENDERER_VERSIONS;
    const ours = outcome.versions.docutils ?? 'unknown';
    const theirs = pypi.docutils ?? 'unknown';
    const report = formatDocutilsReport(result.messages ?? '');
    return {
        error: false,
        problem: {
            file: dist.path,
            rule: 'description-render-version',
            message: `Description rendered with docutils ${ours}; PyPI uses ${theirs}; docutils ${ours} stops ` +
                'on a warning, so PyPI may refuse this upload ("The description failed to render…") or ' +
                `accept it.${report.text ? `\n${report.text}` : ''}`,
            hint: `Check it with PyPI's versions (\`pip install ${Object.entries(pypi)
                .map(([name, version]) => `${name}==${version}`)
                .join(' ')}\`, then \`twine check\` on the file). ` +
                renderHint(contentType, text, report.line)
        }
    };
}
/** PyPI leaves out an empty or "UNKNOWN" description (distutils wrote UNKNOWN for none). */
function isBlankOrUnknown(text) {
    const trimmed = text.trim();
    return trimmed === '' || trimmed === 'UNKNOWN';
}
function contentTypeProblem(dist, contentType) {
    return {
        file: dist.path,
        rule: 'description-content-type',
        message: `Description-Content-Type ${contentType.invalid}. PyPI's metadata validation ` +
            `(packaging.metadata) does not accept it.`,
        hint: 'Declare text/markdown (optionally `; variant=GFM` or `; variant=CommonMark`), text/x-rst or ' +
            `text/plain, with no charset or \`charset=UTF-8\` exactly. ${DECLARE_MARKDOWN}.`
    };
}
function renderError(dist, contentType, text, messages) {
    // PyPI's words (Warehouse forklift/legacy.py).
    const refusal = contentType.declared
        ? `The description failed to render for '${contentType.declared}'.`
        : 'The description failed to render in the default format of reStructuredText.';
    const report = formatDocutilsReport(messages);
    return {
        file: dist.path,
        rule: 'description-render',
        message: `${refusal} See ${HELP_URL} for more information.${report.text ? `\n${report.text}` : ''}`,
        hint: renderHint(contentType, text, report.line)
    };
}
function renderHint(contentType, text, line) {
    const where = line === undefined ? '' : ` at line ${line}`;
    const counting = 'Lines count from the first line of the description, which is the README as the build ' +
        "stored it in the file's metadata.";
    if (contentType.renderer === 'rst' && looksLikeMarkdown(text)) {
        const declared = contentType.declared
            ? `is declared as '${contentType.declared}'`
            : 'declares no content type, so PyPI reads it as reStructuredText (its default)';
        return (`The description looks like Markdown but ${declared}. Declare it as Markdown — ` +
            `${DECLARE_MARKDOWN} — or fix the reStructuredText${where}. ${counting}`);
    }
    if (contentType.renderer === 'markdown') {
        return ('PyPI renders this Markdown to nothing (it may hold only link definitions); give the ' +
            'README some text.');
    }
    return (`Fix the reStructuredText${where} of the README, or declare it as Markdown if it is ` +
        `Markdown (${DECLARE_MARKDOWN}). ${counting} \`twine check\` on the file, or ` +
        '`python -m readme_renderer README.rst`, shows the same error locally.');
}
/**
 * docutils reports `<string>:LINE: (LEVEL/N) message`, then a blank line and the offending
 * source. With PyPI's settings the first warning stops rendering, so there is usually one.
 */
const DOCUTILS_REPORT = /^<string>:(\d*): \((DEBUG|INFO|WARNING|ERROR|SEVERE)\/\d\) /gm;
const MAX_SOURCE_LINES = 6;
function formatDocutilsReport(messages) {
    const starts = [...messages.matchAll(DOCUTILS_REPORT)];
    if (starts.length === 0)
        return { text: messages.trim() };
    let firstLine;
    const parts = [];
    const before = messages.slice(0, starts[0].index).trim();
    if (before)
        parts.push(before);
    starts.forEach((start, i) => {
        const end = i + 1 < starts.length ? starts[i + 1].index : messages.length;
        const body = messages.slice(start.index + start[0].length, end).replace(/\s+$/, '');
        const [message, ...source] = body.split(/\r?\n\r?\n/);
        const line = start[1] === '' ? undefined : Number(start[1]);
        firstLine ??= line;
        const sourceLines = source.join('\n\n').split(/\r?\n/);
        const shown = sourceLines.slice(0, MAX_SOURCE_LINES).map(l => `    | ${l}`);
        if (sourceLines.length > MAX_SOURCE_LINES)
            shown.push('    | …');
        parts.push(`${line === undefined ? '' : `line ${line}: `}${message.replace(/\s*\n\s*/g, ' ')} ` +
            `(docutils ${start[2]})` +
            (source.length > 0 ? `\n${shown.join('\n')}` : ''));
    });
    return { text: parts.join('\n'), line: firstLine };
}
/**
 * Signs of Markdown that reStructuredText never uses: `# ` headings, ``` or ~~~ fences,
 * `[text](url)` links, pipe tables. Only for choosing a hint, so a guess is fine.
 */
function looksLikeMarkdown(text) {
    return (/^#{1,6}[ \t]+\S/m.test(text) ||
        /^ {0,3}(```|~~~)/m.test(text) ||
        /!?\[[^\]\n]+\]\([^)\s]+\)/.test(text) ||
        /^ {0,3}\|?[ \t]*:?-{3,}:?[ \t]*\|/m.test(text));
}

;// CONCATENATED MODULE: ./src/check/guards/tag.ts


const FIX = 'Retag, or bump the version in pyproject.toml and rebuild; or set verify-tag: false to publish without this check.';
/** The characters that separate a project from its version in monorepo tags. */
const PREFIX_SEPARATORS = new Set(['-', '/', '@', '_']);
/**
 * Every reading of a tag as `[project<sep>]version`. The whole tag as a version comes first (a
 * leading `v`/`V` is allowed, as PEP 440 allows it); then each split at a separator whose left
 * side is a valid project name and whose right side a version, shortest project first. Project
 * names and versions may both hold `-`, so `a-1-2` has two readings; the caller picks the one
 * that names a project being published.
 */
function readTag(tag) {
    const whole = parseVersion(tag);
    if (whole && tag.trim() === tag)
        return [{ tag, version: whole }];
    const readings = [];
    for (let i = 1; i < tag.length - 1; i++) {
        if (!PREFIX_SEPARATORS.has(tag[i]))
            continue;
        const project = tag.slice(0, i);
        const rest = tag.slice(i + 1);
        // parseVersion strips surrounding whitespace as packaging does; a tag with spaces is no version.
        if (!isValidProjectName(project) || rest.trim() !== rest)
            continue;
        const version = parseVersion(rest);
        if (version)
            readings.push({ tag, project, version });
    }
    return readings;
}
/**
 * Checks that every distribution's version is the tag's version. Not a tag run: nothing to check.
 * When the tag's prefix names a project being published, the files of that project must have the
 * tag's version and files of any other project are refused (the tag is not theirs).
 */
function checkTagMatchesVersions(dists, run) {
    const { tag } = run;
    if (tag === undefined || dists.length === 0)
        return { errors: [], notices: [] };
    const readings = readTag(tag);
    if (readings.length === 0) {
        return {
            errors: [],
            notices: [
                `The tag '${tag}' is not a version (PEP 440, optionally after 'v' or '<project>-v'); the version check was skipped.`
            ]
        };
    }
    const projects = new Set(dists.map(d => normalizeName(d.name.trim())));
    const named = readings.find(r => r.project !== undefined && projects.has(normalizeName(r.project)));
    const errors = [];
    if (named?.project !== undefined) {
        const tagVersion = formatVersion(named.version);
        for (const dist of dists) {
            const problem = projectMismatch(dist, tag, named.project) ??
                versionMismatch(dist, tag, tagVersion, named.version);
            if (problem)
                errors.push(problem);
        }
        return { errors, notices: [] };
    }
    // A prefix that names no project being published is a word of the tag, not a project
    // (`release-1.2.3`): every file must then have the version. Of several readings, the one every
    // file agrees with wins, so a tag is refused only when no reading of it fits.
    const reading = readings.find(r => dists.every(d => sameVersion(d.version, r.version))) ?? readings[0];
    const tagVersion = formatVersion(reading.version);
    for (const dist of dists) {
        const problem = versionMismatch(dist, tag, tagVersion, reading.version);
        if (problem)
            errors.push(problem);
    }
    return { errors, notices: [] };
}
function versionMismatch(dist, tag, tagVersion, version) {
    if (sameVersion(dist.version, version))
        return undefined;
    return {
        file: dist.path,
        rule: 'tag-version',
        message: `The tag '${tag}' is version ${tagVersion}, but ${dist.filename} is version ${dist.version.trim()} of ${dist.name.trim()}.`,
        hint: FIX
    };
}
/** PEP 440 equality; a version that does not parse equals nothing (the metadata check names it). */
function sameVersion(written, version) {
    const own = parseVersion(written);
    return own !== undefined && compareVersions(own, version) === 0;
}
function projectMismatch(dist, tag, project) {
    if (normalizeName(dist.name.trim()) === normalizeName(project))
        return undefined;
    return {
        file: dist.path,
        rule: 'tag-project',
        message: `The tag '${tag}' names project '${project}', but ${dist.filename} belongs to project '${dist.name.trim()}'.`,
        hint: `Publish only ${project}'s files from this tag (point packages-dir at them, or build only that project), ` +
            "or tag this project's release separately; or set verify-tag: false to publish without this check."
    };
}

;// CONCATENATED MODULE: ./src/check/guards/versions.ts


/**
 * One problem per project whose files hold more than one version, listing every version and its
 * files, oldest first. Versions are compared under PEP 440 (`1.0` and `1.0.0` are one release).
 */
function checkOneRelease(dists, options) {
    if (options.allowMultipleVersions)
        return [];
    const problems = [];
    for (const [project, releases] of releasesByProject(dists)) {
        if (releases.length < 2)
            continue;
        releases.sort(byVersion);
        const listing = releases
            .map(r => `${r.version} (${r.files.map(f => f.filename).join(', ')})`)
            .join('; ');
        problems.push({
            // The oldest release's first file: the likeliest leftover.
            file: releases[0].files[0].path,
            rule: 'one-release',
            message: `The files of project '${project}' hold ${releases.length} versions: ${listing}.`,
            hint: 'A stale dist/? Remove the old files (or clean the folder before building), ' +
                'or set allow-multiple-versions: true to publish several versions on purpose.'
        });
    }
    return problems;
}
/** Groups files by normalized project name, then by PEP 440 version, in the order found. */
function releasesByProject(dists) {
    const projects = new Map();
    for (const dist of dists) {
        const name = dist.name.trim();
        const key = normalizeName(name);
        const releases = projects.get(key) ?? [];
        projects.set(key, releases);
        const version = dist.version.trim();
        const parsed = parseVersion(version);
        const release = releases.find(r => parsed && r.parsed ? compareVersions(parsed, r.parsed) === 0 : r.version === version);
        if (release)
            release.files.push(dist);
        else
            releases.push({ version, parsed, files: [dist] });
    }
    // Keyed by the normalized name, shown as the first file writes it.
    return new Map([...projects.values()].map(r => [r[0].files[0].name.trim(), r]));
}
/** Oldest first; versions that do not parse last, in the order found. */
function byVersion(a, b) {
    if (a.parsed && b.parsed)
        return compareVersions(a.parsed, b.parsed);
    return (a.parsed ? 0 : 1) - (b.parsed ? 0 : 1);
}

;// CONCATENATED MODULE: ./src/shared/pypi-hosts.ts
/** The host a PyPI token's macaroon names for each target. */
const TOKEN_LOCATIONS = {
    pypi: 'pypi.org',
    testpypi: 'test.pypi.org'
};
const HOSTS = new Map([
    ['upload.pypi.org', 'pypi'],
    ['pypi.org', 'pypi'],
    ['test.pypi.org', 'testpypi']
]);
function pypiTarget(url) {
    return URL.canParse(url) ? HOSTS.get(new URL(url).hostname.toLowerCase()) : undefined;
}

;// CONCATENATED MODULE: ./src/check/file-size-rule.ts
const ONE_MIB = 1024 * 1024;
/** PyPI's default per-file limit (Warehouse `MAX_FILESIZE`), raised per project on request. */
const PYPI_DEFAULT_FILE_SIZE_LIMIT = 100 * ONE_MIB;
const SIZE_LIMIT_DOCS = 'https://docs.pypi.org/project-management/storage-limits#requesting-a-file-size-limit-increase';
/**
 * A file over the limit gets a warning, not an error: PyPI raises the limit per project on request,
 * and only PyPI knows whether it has been raised for this one.
 */
function checkFileSize(dist, limit, found) {
    if (dist.size <= limit)
        return;
    const mib = (n) => `${(n / ONE_MIB).toFixed(1)} MiB`;
    // PyPI counts in MiB and calls them MB ("Limit for project 'x' is 100 MB").
    const over = limit === PYPI_DEFAULT_FILE_SIZE_LIMIT
        ? "over PyPI's default limit of 100 MB per file"
        : `over the limit of ${Math.floor(limit / ONE_MIB)} MB set for this check`;
    found.warning({
        file: dist.path,
        rule: 'file-size',
        message: `${dist.filename} is ${mib(dist.size)}, ${over}.`,
        hint: "PyPI refuses it with 'File too large' unless this project's limit has been raised. " +
            `If it has not, request an increase: ${SIZE_LIMIT_DOCS} (or make the file smaller: ` +
            'leave test data and debug symbols out).'
    });
}

;// CONCATENATED MODULE: ./src/check/platform-tags.ts
/** Which wheel platform tags PyPI accepts (Warehouse's list), and why a refused one is refused. */
/** Warehouse `_allowed_platforms`: tags accepted as they are. */
const STATIC_PLATFORMS = new Set([
    'any',
    'win32',
    'win_arm64',
    'win_amd64',
    'win_ia64',
    'manylinux1_x86_64',
    'manylinux1_i686',
    'manylinux2010_x86_64',
    'manylinux2010_i686',
    'manylinux2014_x86_64',
    'manylinux2014_i686',
    'manylinux2014_aarch64',
    'manylinux2014_armv7l',
    'manylinux2014_ppc64',
    'manylinux2014_ppc64le',
    'manylinux2014_s390x',
    // Accepted for Raspberry Pi wheels (piwheels); every other linux_* tag is refused.
    'linux_armv6l',
    'linux_armv7l'
]);
const MACOSX_ARCHES = new Set([
    'ppc',
    'ppc64',
    'i386',
    'x86_64',
    'arm64',
    'intel',
    'fat',
    'fat3',
    'fat64',
    'universal',
    'universal2'
]);
/** macOS 11 and later, as PyPI lists them (Apple went from 15 to 26). */
const MACOSX_MAJORS = new Set([11, 12, 13, 14, 15, 26]);
const MACOSX_LATEST_MAJOR = 26;
const JOINT_LINUX_ARCHES = ['x86_64', 'i686', 'aarch64', 'armv7l', 'ppc64le', 's390x', 'riscv64'];
const MANYLINUX_ARCHES = new Set([...JOINT_LINUX_ARCHES, 'ppc64']);
const MUSLLINUX_ARCHES = new Set(JOINT_LINUX_ARCHES);
const IOS_ARCHES = new Set(['arm64', 'x86_64']);
const ANDROID_ARCHES = new Set(['armeabi_v7a', 'arm64_v8a', 'x86', 'x86_64']);
const ACCEPTED_FAMILIES = 'PyPI accepts any, win32, win_amd64, win_arm64, win_ia64, manylinux1/2010/2014_<arch>, ' +
    'manylinux_X_Y_<arch>, musllinux_X_Y_<arch>, macosx_10_Y_<arch>, macosx_<11+>_0_<arch>, ' +
    'ios_X_Y_<arch>_iphoneos/iphonesimulator, android_<api>_<arch> and pyemscripten_X_Y_wasm32.';
/**
 * Warehouse's `_valid_platform_tag`, with the reason when a tag is refused. One deliberate
 * difference: a macOS major newer than PyPI's list is allowed with a warning, since PyPI adds
 * each macOS release to its list and refusing here would block uploads PyPI would take.
 */
function judgePlatformTag(tag) {
    if (STATIC_PLATFORMS.has(tag))
        return { allowed: true };
    const mac = /^macosx_(\d+)_(\d+)_(.*)$/.exec(tag);
    if (mac) {
        const [major, minor, arch] = [Number(mac[1]), mac[2], mac[3]];
        if (!MACOSX_ARCHES.has(arch)) {
            return {
                allowed: false,
                hint: `'${arch}' is not a macOS architecture PyPI knows (${[...MACOSX_ARCHES].join(', ')}).`
            };
        }
        if (major === 10)
            return { allowed: true };
        const fixed = `macosx_${major}_0_${arch}`;
        if (MACOSX_MAJORS.has(major)) {
            return minor === '0'
                ? { allowed: true }
                : {
                    allowed: false,
                    hint: `From macOS 11 on, the tag names the major version only: use '${fixed}' (set MACOSX_DEPLOYMENT_TARGET=${major}.0, or let delocate/cibuildwheel tag it).`
                };
        }
        if (major > MACOSX_LATEST_MAJOR && minor === '0') {
            return {
                allowed: true,
                hint: `PyPI listed macOS majors up to ${MACOSX_LATEST_MAJOR} when this action was written; if PyPI refuses '${tag}', it does not support macOS ${major} yet.`
            };
        }
        return {
            allowed: false,
            hint: `macOS ${major} is not a macOS release PyPI knows. ${ACCEPTED_FAMILIES}`
        };
    }
    const linux = /^(many|musl)linux_(\d+)_(\d+)_(.*)$/.exec(tag);
    if (linux) {
        const arches = linux[1] === 'many' ? MANYLINUX_ARCHES : MUSLLINUX_ARCHES;
        if (arches.has(linux[4]))
            return { allowed: true };
        return {
            allowed: false,
            hint: `'${linux[4]}' is not an architecture PyPI accepts for ${linux[1]}linux (${[...arches].join(', ')}).`
        };
    }
    const ios = /^ios_(\d+)_(\d+)_(.*)_(iphoneos|iphonesimulator)$/.exec(tag);
    if (ios && IOS_ARCHES.has(ios[3]))
        return { allowed: true };
    const android = /^android_(\d+)_(.*)$/.exec(tag);
    if (android && ANDROID_ARCHES.has(android[2]))
        return { allowed: true };
    if (/^pyemscripten_(\d+)_(\d+)_wasm32$/.test(tag))
        return { allowed: true };
    if (tag.startsWith('linux_')) {
        return {
            allowed: false,
            hint: `A '${tag}' wheel only promises to run on the machine that built it, so PyPI refuses it. ` +
                'Repair it with auditwheel (auditwheel repair dist/*.whl -w wheelhouse/), which bundles the ' +
                'shared libraries it needs and retags it manylinux_X_Y, or build with cibuildwheel, which ' +
                'does this for you. A wheel without compiled code should be tagged py3-none-any.'
        };
    }
    return { allowed: false, hint: ACCEPTED_FAMILIES };
}

;// CONCATENATED MODULE: ./src/check/py-repr.ts
/** Python's `repr()` of a string, so messages quote values exactly as PyPI's do. */
function pyRepr(text) {
    const quote = text.includes("'") && !text.includes('"') ? '"' : "'";
    let body = '';
    for (const ch of text) {
        const code = ch.codePointAt(0) ?? 0;
        if (ch === '\\' || ch === quote)
            body += `\\${ch}`;
        else if (ch === '\n')
            body += '\\n';
        else if (ch === '\r')
            body += '\\r';
        else if (ch === '\t')
            body += '\\t';
        else if (code < 0x20 || code === 0x7f)
            body += `\\x${code.toString(16).padStart(2, '0')}`;
        else
            body += ch;
    }
    return quote + body + quote;
}

;// CONCATENATED MODULE: ./src/check/filename-rules.ts




/** Checks the filename of one distribution against its metadata. */
function checkFilename(dist, found) {
    if (dist.kind === 'wheel')
        checkWheelFilename(dist, found);
    else
        checkSdistFilename(dist, found);
}
function checkWheelFilename(dist, found) {
    const name = dist.name.trim();
    const version = dist.version.trim();
    const nameOk = isValidProjectName(name);
    const versionOk = parseVersion(version) !== undefined;
    const example = nameOk && versionOk ? `${expectedWheelPrefix(name, version)}py3-none-any.whl` : undefined;
    const shapeHint = 'A wheel is named {name}-{version}[-{build}]-{python tag}-{abi tag}-{platform tag}.whl' +
        (example ? `, e.g. '${example}'` : '') +
        ". A '-' inside the project name or version is written '_'. Do not rename wheels by hand " +
        '(PyPI looks for the .dist-info folder the filename names): rebuild them.';
    const wheel = parseWheelFilename(dist.filename);
    if (!wheel) {
        found.spec({
            file: dist.path,
            rule: 'wheel-filename',
            message: `Invalid wheel filename: ${pyRepr(dist.filename)}.`,
            hint: shapeHint
        });
        return;
    }
    // packaging's rule for the name part: word characters and '.', no '__'.
    if (wheel.distribution.includes('__') || !/^[\p{L}\p{N}\p{M}_.]+$/u.test(wheel.distribution)) {
        found.spec({
            file: dist.path,
            rule: 'wheel-filename',
            message: `Invalid project name: ${pyRepr(dist.filename)}.`,
            hint: shapeHint
        });
    }
    const fileVersion = parseVersion(wheel.version);
    if (!fileVersion) {
        found.spec({
            file: dist.path,
            rule: 'wheel-filename',
            message: `Invalid wheel filename (invalid version): ${pyRepr(dist.filename)}.`,
            hint: shapeHint
        });
    }
    for (const tag of wheel.pythonTags) {
        if (/^[\p{L}_][\p{L}\p{N}_]*$/u.test(tag))
            continue;
        found.spec({
            file: dist.path,
            rule: 'wheel-filename',
            message: `Invalid wheel filename (invalid tag component): ${pyRepr(dist.filename)}.`,
            hint: `The python tag ${pyRepr(tag)} is not an identifier (e.g. py3, cp312, py2.py3). ${shapeHint}`
        });
    }
    for (const platform of new Set(wheel.platformTags)) {
        const verdict = judgePlatformTag(platform);
        if (verdict.allowed && !verdict.hint)
            continue;
        if (verdict.allowed) {
            found.warning({
                file: dist.path,
                rule: 'wheel-platform',
                message: `Binary wheel ${pyRepr(dist.filename)} has a platform tag PyPI may not support yet: ${pyRepr(platform)}.`,
                hint: verdict.hint
            });
        }
        else {
            found.policy({
                file: dist.path,
                rule: 'wheel-platform',
                message: `Binary wheel ${pyRepr(dist.filename)} has an unsupported platform tag ${pyRepr(platform)}.`,
                hint: verdict.hint
            });
        }
    }
    if (!nameOk)
        return;
    if (normalizeName(wheel.distribution) !== normalizeName(name)) {
        found.spec({
            file: dist.path,
            rule: 'wheel-name',
            message: `Start filename for ${pyRepr(name)} with ${pyRepr(wheelNamePart(name))}.`,
            hint: `The filename names project '${wheel.distribution}' but its METADATA says '${name}'. ` +
                `The wheel was renamed or built from another project: rebuild it. ${shapeHint}`
        });
    }
    else if (wheel.distribution !== wheelNamePart(name)) {
        found.policy({
            file: dist.path,
            rule: 'wheel-name',
            message: `Filename ${pyRepr(dist.filename)} should contain the normalized project name ` +
                `${pyRepr(wheelNamePart(name))}, not ${pyRepr(wheel.distribution)}.`,
            hint: `Rebuild with a current build backend, which writes the normalized name` +
                (example ? ` ('${example.slice(0, example.indexOf('-'))}-…')` : '') +
                '. Renaming the file is not enough: PyPI reads the .dist-info folder the filename names.'
        });
    }
    if (fileVersion && versionOk && compareVersions(fileVersion, version) !== 0) {
        found.spec({
            file: dist.path,
            rule: 'wheel-version',
            message: `Version in filename should be ${pyRepr(normalizeVersion(version) ?? version)} not ` +
                `${pyRepr(normalizeVersion(wheel.version) ?? wheel.version)}.`,
            hint: `The filename says ${wheel.version} but METADATA says ${version}: the wheel was renamed or built from another version. Rebuild it.`
        });
    }
}
/**
 * PEP 625, as PyPI enforces it: an sdist is `{normalized name with _}-{canonical version}.tar.gz`,
 * nothing else. A name or version that differs in value (not just in spelling) means the file is
 * not what its PKG-INFO says, which is a spec error anywhere; a spelling difference is PyPI policy.
 */
function checkSdistFilename(dist, found) {
    const name = dist.name.trim();
    const version = dist.version.trim();
    if (!isValidProjectName(name) || !parseVersion(version))
        return;
    const expected = expectedSdistFilename(name, version);
    if (dist.filename === expected)
        return;
    const invalid = `Filename ${pyRepr(dist.filename)} is invalid, should be ${pyRepr(expected)}.`;
    if (dist.filename.endsWith('.zip')) {
        found.policy({
            file: dist.path,
            rule: 'sdist-format',
            message: invalid,
            hint: 'PyPI accepts only .tar.gz sdists (PEP 625). Build the sdist with python -m build --sdist, ' +
                'which writes a .tar.gz, and leave the .zip out.'
        });
        return;
    }
    const split = splitSdistFilename(dist.filename, name);
    if (!split) {
        found.spec({
            file: dist.path,
            rule: 'sdist-name',
            message: `Start filename for ${pyRepr(name)} with ${pyRepr(wheelNamePart(name))}.`,
            hint: `The filename does not name project '${name}' from its PKG-INFO: the sdist was renamed or built from another project. Rebuild it as '${expected}'.`
        });
        return;
    }
    const fileVersion = parseVersion(split.version);
    if (fileVersion && compareVersions(fileVersion, version) !== 0) {
        found.spec({
            file: dist.path,
            rule: 'sdist-version',
            message: invalid,
            hint: `The filename says version ${split.version} but PKG-INFO says ${version}: the sdist was renamed or built from another version. Rebuild it.`
        });
        return;
    }
    found.policy({
        file: dist.path,
        rule: 'sdist-filename',
        message: invalid,
        hint: `PyPI requires the normalized name and version in sdist filenames (PEP 625). Rebuild with a ` +
            `current build backend (python -m build), which writes '${expected}'.`
    });
}
/**
 * Splits an sdist filename where the part before a `-` names the project. Versions can hold a `-`
 * (`1.0-1` is a post-release), so every `-` is tried, as PyPI does for post-releases.
 */
function splitSdistFilename(filename, name) {
    const stem = filename.endsWith('.tar.gz') ? filename.slice(0, -'.tar.gz'.length) : filename;
    const wanted = normalizeName(name);
    for (let dash = stem.indexOf('-'); dash > 0; dash = stem.indexOf('-', dash + 1)) {
        if (normalizeName(stem.slice(0, dash)) === wanted)
            return { version: stem.slice(dash + 1) };
    }
    return undefined;
}

;// CONCATENATED MODULE: ./src/check/findings.ts
/** Said with a PyPI policy reported as a warning: why it does not stop the run. */
const NOT_PYPI_NOTE = 'PyPI and TestPyPI refuse this; other indexes decide for themselves. ';
/** Sorts problems by rule kind and the `pypiRules` option. */
class Findings {
    pypiRules;
    errors = [];
    warnings = [];
    constructor(pypiRules) {
        this.pypiRules = pypiRules;
    }
    /** The file breaks a packaging spec: an error on any index. */
    spec(problem) {
        this.errors.push(problem);
    }
    /** PyPI refuses this upload; other indexes may not. */
    policy(problem) {
        if (this.pypiRules === 'enforce')
            this.errors.push(problem);
        else
            this.warnings.push({ ...problem, hint: NOT_PYPI_NOTE + (problem.hint ?? '') });
    }
    /** Worth knowing, never a refusal. */
    warning(problem) {
        this.warnings.push(problem);
    }
}

;// CONCATENATED MODULE: ./src/check/metadata-rules.ts




/** Warehouse's SUPPORTED_METADATA_VERSIONS. */
const ACCEPTED_METADATA_VERSIONS = ['1.0', '1.1', '1.2', '2.1', '2.2', '2.3', '2.4', '2.5'];
/** Warehouse `_LENGTH_LIMITS`. */
const SUMMARY_MAX_LENGTH = 512;
/** Checks the metadata of one distribution. */
function checkMetadata(dist, found) {
    checkMetadataVersion(dist, found);
    checkName(dist, found);
    checkVersion(dist, found);
    checkFieldsNewerThanDeclared(dist, found);
    checkLicense(dist, found);
    checkClassifiers(dist, found);
    checkSummary(dist, found);
    checkDynamic(dist, found);
}
/** Every value of a header, by case-insensitive name (`Home-Page`, `Author-Email` occur). */
function headerValues(dist, header) {
    return getAll(dist.metadata, header);
}
/** PyPI deletes "UNKNOWN" values (Warehouse `sanitize`) and treats empty ones as absent. */
function presentValues(dist, header) {
    return headerValues(dist, header).filter(v => v.trim() !== '' && v.trim() !== 'UNKNOWN');
}
function hasValidMetadataVersion(dist) {
    return ACCEPTED_METADATA_VERSIONS.includes(dist.metadataVersion.trim());
}
function checkMetadataVersion(dist, found) {
    const declared = dist.metadataVersion.trim();
    if (declared === '') {
        found.spec({
            file: dist.path,
            rule: 'metadata-version',
            message: "'metadata-version' is a required field.",
            hint: 'The METADATA/PKG-INFO has no Metadata-Version header. Rebuild with a standard build backend (python -m build).'
        });
        return;
    }
    if (hasValidMetadataVersion(dist))
        return;
    const accepted = 'PyPI accepts Metadata-Version 1.0, 1.1, 1.2 and 2.1 to 2.5.';
    let hint;
    if (declared === '2.0') {
        hint =
            `Metadata-Version 2.0 was a draft (PEP 426) that was never accepted; old wheel/bdist_wheel ` +
                `releases wrote it. Rebuild with a current backend (python -m build with an up-to-date ` +
                `setuptools and wheel, hatchling, flit-core, pdm-backend, poetry-core or maturin), which ` +
                `writes 2.1 or later. ${accepted}`;
    }
    else if (isNewerThanAccepted(declared)) {
        hint =
            `${accepted} This file declares a newer one: pin the build backend to a release that ` +
                `writes 2.5 or older until PyPI supports Metadata-Version ${declared}.`;
    }
    else {
        hint = `${accepted} Rebuild with a standard build backend (python -m build).`;
    }
    found.policy({
        file: dist.path,
        rule: 'metadata-version',
        message: `${pyRepr(declared)} is not a valid metadata version.`,
        hint
    });
}
function isNewerThanAccepted(declared) {
    const m = /^(\d+)\.(\d+)$/.exec(declared);
    if (!m)
        return false;
    const [major, minor] = [Number(m[1]), Number(m[2])];
    return major > 2 || (major === 2 && minor > 5);
}
function checkName(dist, found) {
    const name = dist.name.trim();
    if (name === '') {
        found.spec({
            file: dist.path,
            rule: 'name',
            message: "'name' is a required field.",
            hint: 'The METADATA/PKG-INFO has no Name header. Set [project] name in pyproject.toml and rebuild.'
        });
    }
    else if (!isValidProjectName(name)) {
        found.spec({
            file: dist.path,
            rule: 'name',
            message: `${pyRepr(name)} is invalid for 'name'.`,
            hint: 'A project name must start and end with an ASCII letter or digit and contain only ' +
                "ASCII letters, digits, '.', '_' and '-' (PEP 508). Fix [project] name and rebuild."
        });
    }
}
function checkVersion(dist, found) {
    const version = dist.version.trim();
    if (version === '') {
        found.spec({
            file: dist.path,
            rule: 'version',
            message: "'version' is a required field.",
            hint: 'The METADATA/PKG-INFO has no Version header. Set [project] version (or a dynamic version source) and rebuild.'
        });
        return;
    }
    const parsed = parseVersion(version);
    if (!parsed) {
        found.spec({
            file: dist.path,
            rule: 'version',
            message: `${pyRepr(version)} is invalid for 'version'.`,
            hint: 'Use a PEP 440 version, e.g. 1.2.3, 1.2.3rc1, 1.2.3.post1, 1.2.3.dev4 or 2!1.0 ' +
                '(https://packaging.python.org/en/latest/specifications/version-specifiers/).'
        });
        return;
    }
    if (parsed.local) {
        const canonical = normalizeVersion(version) ?? version;
        const local = canonical.slice(canonical.indexOf('+'));
        found.policy({
            file: dist.path,
            rule: 'local-version',
            message: `The use of local versions in ${pyRepr(canonical)} is not allowed.`,
            hint: `Remove the local version segment '${local}' (PyPI refuses local versions); build with a ` +
                `release version such as '${publicVersion(version)}'. setuptools-scm and hatch-vcs add ` +
                `'+g<hash>' or '+d<date>' when the checkout is not exactly at a tag or has changes: build ` +
                `from a clean, tagged commit (actions/checkout with fetch-depth: 0), or set ` +
                `local_scheme = "no-local-version".`
        });
    }
}
/**
 * Fields newer than the declared Metadata-Version.
 *
 * PyPI refuses them ("license-expression introduced in metadata version 2.4, not 2.3"), and so does
 * twine ≥ 6 before uploading, except License-File: setuptools wrote License-File under
 * Metadata-Version 2.1/2.2 for years, so twine drops it silently rather than refuse those files.
 * Our form builder leaves every too-new field out, so PyPI would not see them — but silently
 * publishing a release without its License-Expression, Dynamic or Import-Name is worse than
 * stopping, so those stay errors (as in twine). License-File is a warning: it is what twine drops
 * too, and the file is otherwise fine. Only checked under an accepted Metadata-Version; any other
 * is reported by itself.
 */
function checkFieldsNewerThanDeclared(dist, found) {
    if (!hasValidMetadataVersion(dist))
        return;
    const declared = dist.metadataVersion.trim();
    const reported = new Set();
    for (const { name, since } of fieldsNewerThanDeclared(dist.metadata)) {
        const field = name.toLowerCase();
        if (reported.has(field))
            continue;
        reported.add(field);
        const message = `${field} introduced in metadata version ${since}, not ${declared}.`;
        if (field === 'license-file') {
            found.warning({
                file: dist.path,
                rule: 'field-too-new',
                message: `${message} License-File is not sent (as twine does), so PyPI will not list the license files.`,
                hint: 'Declare Metadata-Version 2.4 or drop License-File: upgrade the build backend ' +
                    '(setuptools ≥ 77 writes 2.4 with License-File), or remove license_files from its configuration.'
            });
        }
        else {
            found.spec({
                file: dist.path,
                rule: 'field-too-new',
                message,
                hint: `${fieldLabel(name)} needs Metadata-Version ${since} or later. Upgrade the build backend ` +
                    `so it declares the version its fields need, then rebuild.`
            });
        }
    }
}
/** A header name in its spec spelling for hints (`license-expression` → `License-Expression`). */
function fieldLabel(name) {
    return name
        .toLowerCase()
        .split('-')
        .map(w => (w === 'url' ? 'URL' : w.charAt(0).toUpperCase() + w.slice(1)))
        .join('-');
}
function checkLicense(dist, found) {
    if (presentValues(dist, 'License').length === 0)
        return;
    if (presentValues(dist, 'License-Expression').length === 0)
        return;
    found.policy({
        file: dist.path,
        rule: 'license',
        message: 'License is deprecated when License-Expression is present. Only License-Expression should be present.',
        hint: 'Keep the SPDX expression (pyproject.toml: license = "MIT", license-files = [...]) and remove ' +
            'the free-text license (license = { text = ... } or { file = ... }, setup.py license=...), then rebuild.'
    });
}
/** The top-level categories of the trove classifier list (pypi.org/classifiers). */
const CLASSIFIER_CATEGORIES = new Set([
    'Development Status',
    'Environment',
    'Framework',
    'Intended Audience',
    'License',
    'Natural Language',
    'Operating System',
    'Programming Language',
    'Topic',
    'Typing'
]);
/**
 * PyPI accepts only classifiers from its list. Without the list at hand (it changes monthly), this
 * checks the shape: `Category :: Value[ :: …]`, single spaces around `::`, a known category.
 * `Private :: …` is refused by PyPI on purpose, to keep private projects off it.
 */
function checkClassifiers(dist, found) {
    for (const classifier of new Set(presentValues(dist, 'Classifier'))) {
        const parts = classifier.split(' :: ');
        const message = `${pyRepr(classifier)} is not a valid classifier.`;
        if (parts[0] === 'Private') {
            found.policy({
                file: dist.path,
                rule: 'classifier',
                message,
                hint: "PyPI always refuses classifiers beginning with 'Private ::': they mark projects that must " +
                    'never be uploaded there. Remove it if this project is meant to be public, or publish to ' +
                    'your private index instead.'
            });
            continue;
        }
        const wellFormed = parts.length >= 2 && parts.every(p => p !== '' && p === p.trim() && !p.includes('::'));
        if (wellFormed && CLASSIFIER_CATEGORIES.has(parts[0]))
            continue;
        found.policy({
            file: dist.path,
            rule: 'classifier',
            message,
            hint: wellFormed
                ? `'${parts[0]}' is not a classifier category. Use classifiers exactly as listed at https://pypi.org/classifiers/.`
                : "A classifier is 'Category :: Value', parts separated by ' :: ' exactly as listed at https://pypi.org/classifiers/."
        });
    }
}
/**
 * What `str.splitlines` breaks at, by name. packaging refuses a summary holding any of them
 * (`'summary' must be a single line`; ≥ 26.3, before that "\n" only): twine ≥ 6 before sending,
 * PyPI on the form. Python's email parser ends lines at CR/LF only, so the others reach the value.
 */
const LINE_BOUNDARY_NAMES = {
    '\n': 'a line feed',
    '\r': 'a carriage return',
    '\v': 'a vertical tab (U+000B)',
    '\f': 'a form feed (U+000C)',
    '\x1c': 'a file separator (U+001C)',
    '\x1d': 'a group separator (U+001D)',
    '\x1e': 'a record separator (U+001E)',
    '\x85': 'a next-line character (U+0085)',
    '\u2028': 'a line separator (U+2028)',
    '\u2029': 'a paragraph separator (U+2029)'
};
/** Any of them (the control characters make a regex literal unreadable). */
const LINE_BOUNDARY = new RegExp(`[${Object.keys(LINE_BOUNDARY_NAMES).join('')}]`);
function checkSummary(dist, found) {
    const summary = presentValues(dist, 'Summary')[0];
    if (summary === undefined)
        return;
    const boundary = LINE_BOUNDARY.exec(summary);
    if (boundary) {
        // A spec rule (the summary is "a one-line summary"): twine refuses it for any index.
        found.spec({
            file: dist.path,
            rule: 'summary',
            message: "'summary' must be a single line.",
            hint: `The summary holds ${LINE_BOUNDARY_NAMES[boundary[0]]} after ${pyRepr(summary.slice(0, boundary.index))}, which Python reads as a line break. ` +
                'Make the summary (pyproject.toml [project] description) one line without it and rebuild.'
        });
    }
    if ([...summary].length <= SUMMARY_MAX_LENGTH)
        return;
    found.policy({
        file: dist.path,
        rule: 'summary',
        message: `'summary' field must be ${SUMMARY_MAX_LENGTH} characters or less.`,
        hint: `The summary (pyproject.toml [project] description) has ${[...summary].length} characters; shorten it to one line of at most ${SUMMARY_MAX_LENGTH} and put the rest in the README.`
    });
}
/**
 * Fields that can never be dynamic: Name and Version (PEP 643, and they get a message of their
 * own), Metadata-Version, and `Dynamic` itself.
 */
const NEVER_DYNAMIC = ['metadata-version', 'name', 'version', 'dynamic'];
/**
 * Fields PyPI accepts in `Dynamic` (Warehouse DYNAMIC_FIELDS), lowercase: every core metadata
 * field the spec knows (metadata.ts) but those.
 */
const DYNAMIC_FIELDS = new Set(knownFields().filter(field => !NEVER_DYNAMIC.includes(field)));
function checkDynamic(dist, found) {
    for (const value of presentValues(dist, 'Dynamic')) {
        const field = value.trim().toLowerCase();
        if (DYNAMIC_FIELDS.has(field))
            continue;
        const never = ['name', 'version', 'metadata-version'].includes(field);
        found.spec({
            file: dist.path,
            rule: 'dynamic',
            message: never
                ? `${pyRepr(field)} is not allowed as a dynamic field.`
                : `Dynamic field ${pyRepr(field)} is not a valid dynamic field.`,
            hint: never
                ? 'Name and Version are fixed in an sdist (PEP 643); rebuild with a backend that does not mark them Dynamic.'
                : 'Dynamic may only name core metadata fields (PEP 643); rebuild with a current build backend.'
        });
    }
}

;// CONCATENATED MODULE: ./src/check/release-rules.ts


/**
 * PyPI: "Only one sdist may be uploaded per release." A release is found by its canonical version,
 * trailing zeros stripped (packaging's `canonicalize_version`), so 1.0 and 1.0.0 are one release.
 */
function checkOneSdistPerRelease(dists, found) {
    const first = new Map();
    for (const dist of dists) {
        if (dist.kind !== 'sdist')
            continue;
        const parsed = parseVersion(dist.version.trim());
        if (!parsed || !isValidProjectName(dist.name.trim()))
            continue;
        const release = parsed.release.slice();
        while (release.length > 1 && release[release.length - 1] === 0n)
            release.pop();
        const version = formatVersion({ ...parsed, release });
        const key = `${normalizeName(dist.name.trim())} ${version}`;
        const earlier = first.get(key);
        if (!earlier) {
            first.set(key, dist);
            continue;
        }
        found.policy({
            file: dist.path,
            rule: 'one-sdist',
            message: 'Only one sdist may be uploaded per release.',
            hint: `${earlier.filename} is already an sdist of ${dist.name} ${version}; publish only one of them.`
        });
    }
}

;// CONCATENATED MODULE: ./src/check/rules.ts






/** Checks every distribution and returns every problem found, split by severity. */
function checkDistributions(dists, options = {}) {
    const found = new Findings(options.pypiRules ?? 'enforce');
    const sizeLimit = options.fileSizeLimit ?? PYPI_DEFAULT_FILE_SIZE_LIMIT;
    for (const dist of dists) {
        checkMetadata(dist, found);
        checkFilename(dist, found);
        checkFileSize(dist, sizeLimit, found);
        // PyPI's rules about the archive itself (archive-rules.ts), found while reading it.
        for (const problem of dist.archiveProblems ?? [])
            found.policy(problem);
    }
    checkOneSdistPerRelease(dists, found);
    return { errors: found.errors, warnings: found.warnings };
}
/**
 * How PyPI's policies count for an upload to `repositoryUrl`: errors for PyPI and TestPyPI, which
 * refuse such files; warnings for any other index, which decides for itself (a private index may
 * take local versions or `linux_*` wheels on purpose) while the user still hears that PyPI would not.
 */
function pypiRulesFor(repositoryUrl) {
    return pypiTarget(repositoryUrl) ? 'enforce' : 'warn';
}

;// CONCATENATED MODULE: ./src/discover/names.ts
/**
 * File and folder names are text from outside: a name can hold a newline that starts a workflow
 * command (`::stop-commands::…`) or a line the reader takes for ours. Names with control
 * characters are refused (PyPI refuses them too: a distribution's name is its project name,
 * version and tags, none of which may hold one), and are only ever shown escaped.
 */
/**
 * C0 controls, DEL, C1 controls (U+0085 NEL among them), and the Unicode line and paragraph
 * separators, which some viewers break lines on.
 */
// eslint-disable-next-line no-control-regex -- finding control characters is the point
const CONTROL = /[\u0000-\u001f\u007f-\u009f\u2028\u2029]/;
function hasControlCharacter(name) {
    return CONTROL.test(name);
}
/**
 * A name as a JSON string literal, with every control character as `\uXXXX` (JSON itself leaves
 * DEL, C1 and U+2028/U+2029 raw): safe to print on one line whatever the name holds.
 */
function escapedName(name) {
    return JSON.stringify(name).replace(/[\u007f-\u009f\u2028\u2029]/g, ch => `\\u${ch.charCodeAt(0).toString(16).padStart(4, '0')}`);
}
/** The name's UTF-8 bytes as text, or undefined when they are not UTF-8 (PyPI takes only UTF-8). */
function decodeName(bytes) {
    try {
        return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
    }
    catch {
        return undefined;
    }
}

;// CONCATENATED MODULE: ./src/discover/discover.ts





const listFolder = (dir) => (0,promises_.readdir)(dir, { withFileTypes: true, encoding: 'buffer' });
/**
 * Folders never searched below packages-dir: with `packages-dir: .` they hold other projects'
 * wheels (`.venv/`, `.tox/`, `.nox/`, pip caches), git's objects, or npm's packages. A packages-dir
 * that is itself such a folder is searched: the user named it.
 */
function isSkippedFolder(name) {
    return name.startsWith('.') || name === 'node_modules';
}
/**
 * Finds distributions under `dir`, at any depth: actions/download-artifact puts each artifact in a
 * folder of its own, and the official action's flat listing misses them.
 */
async function discoverDistributions(dir, kinds, options = {}) {
    const root = external_node_path_default().resolve(dir);
    await assertDirectory(root, dir);
    const result = emptyDiscovery();
    const walker = new Walker(root, options.readdir ?? listFolder, result);
    await walker.walk(root);
    classify(walker.files, kinds, result);
    if (result.files.length === 0 && result.problems.length === 0) {
        throw new DistributionError([emptyFolderProblem(dir, root, result, kinds)]);
    }
    return result;
}
function emptyDiscovery() {
    return { files: [], passedOver: [], excluded: [], problems: [], skippedFolders: [] };
}
/**
 * The files named by a caller (the command line's arguments, its globs already expanded) instead
 * of a folder's walk, sorted and refused by the same rules. A name that cannot be read as a file
 * is a problem; a file that is no distribution (a signature a glob caught) is passed over.
 */
async function listedDistributions(files, kinds) {
    const result = emptyDiscovery();
    const readable = [];
    for (const given of files) {
        const file = external_node_path_default().resolve(given);
        if (hasControlCharacter(file)) {
            result.problems.push({
                file: escapedName(file),
                rule: 'file-name',
                message: `The file name ${escapedName(given)} has control characters in it; PyPI refuses such names.`,
                hint: 'Rename the file (`ls -b` shows such names), then run again.'
            });
            continue;
        }
        const info = await (0,promises_.stat)(file).catch(() => undefined);
        if (!info?.isFile()) {
            result.problems.push({
                file,
                rule: 'file-name',
                message: `'${given}' ${info ? 'is not a file' : 'does not exist'} (looked at ${file}).`,
                hint: 'Name the wheels and sdists to publish, e.g. `dist/*`; build them first if they are missing.'
            });
            continue;
        }
        readable.push(file);
    }
    classify(readable, kinds, result);
    if (result.files.length === 0 && result.problems.length === 0) {
        const wanted = [...kinds].map(k => (k === 'wheel' ? '*.whl' : '*.tar.gz')).join(' and ');
        throw new DistributionError([
            {
                file: files.join(' '),
                rule: 'packages-dir',
                message: `None of the ${files.length} file(s) given is a distribution (${wanted}).`,
                hint: 'Name the wheels and sdists to publish, e.g. `dist/*`.'
            }
        ]);
    }
    return result;
}
/** Sorts files into distributions, excluded kinds, refused `.zip` sdists and the rest. */
function classify(files, kinds, result) {
    for (const file of files) {
        const filename = external_node_path_default().basename(file);
        const kind = distKindOf(filename);
        if (kind === 'zip-sdist') {
            result.problems.push({
                file,
                rule: 'sdist-format',
                message: `'${filename}' is a .zip sdist; PyPI accepts only .tar.gz sdists (PEP 625).`,
                hint: 'Build the sdist with `python -m build --sdist`, which writes a .tar.gz, or remove the .zip from the folder.'
            });
        }
        else if (kind === 'wheel' || kind === 'sdist') {
            if (kinds.has(kind))
                result.files.push({ path: file, filename, kind });
            else
                result.excluded.push(file);
        }
        else {
            result.passedOver.push(file);
        }
    }
    result.files.sort((a, b) => a.filename === b.filename ? a.path.localeCompare(b.path) : a.filename < b.filename ? -1 : 1);
}
async function assertDirectory(root, asGiven) {
    if (hasControlCharacter(root)) {
        throw new DistributionError([
            {
                file: escapedName(root),
                rule: 'packages-dir',
                message: `The packages directory ${escapedName(asGiven)} has control characters in its path.`,
                hint: "Set 'packages-dir' to a folder whose path has none (e.g. `dist`)."
            }
        ]);
    }
    let isDir;
    try {
        isDir = (await (0,promises_.stat)(root)).isDirectory();
    }
    catch {
        throw new DistributionError([
            {
                file: root,
                rule: 'packages-dir',
                message: `The packages directory '${asGiven}' does not exist (looked in ${root}).`,
                hint: 'Build the distributions first (e.g. `python -m build`), or download the artifact that holds ' +
                    "them into this folder, or point 'packages-dir' at the folder that holds them."
            }
        ]);
    }
    if (!isDir) {
        throw new DistributionError([
            {
                file: root,
                rule: 'packages-dir',
                message: `'${asGiven}' is a file, not a directory.`,
                hint: "Set 'packages-dir' to the folder that holds the wheels and sdists."
            }
        ]);
    }
}
function emptyFolderProblem(asGiven, root, found, kinds) {
    const wanted = [...kinds].map(k => (k === 'wheel' ? '*.whl' : '*.tar.gz')).join(' and ');
    const seen = [...found.excluded, ...found.passedOver].map(f => external_node_path_default().relative(root, f));
    const skipped = found.skippedFolders.filter(f => f.holds !== undefined);
    const detail = (seen.length
        ? ` It holds ${seen.length} other file(s): ${seen.slice(0, 10).join(', ')}${seen.length > 10 ? ', …' : ''}.`
        : ' It is empty.') +
        (skipped.length
            ? ` Distributions were seen in ${skipped.map(f => external_node_path_default().relative(root, f.holds ?? f.path)).join(', ')}, ` +
                'inside a folder that is never searched (dot-folders and node_modules).'
            : '');
    return {
        file: root,
        rule: 'packages-dir',
        message: `No distributions (${wanted}) found in '${asGiven}' or below it.${detail}`,
        hint: skipped.length > 0
            ? "Point 'packages-dir' at the folder that holds the distributions to publish (a dot-folder is searched when packages-dir names it)."
            : found.excluded.length > 0
                ? "Only distributions of the kinds in 'distributions' are published: widen it, or build the missing kind."
                : 'Did the build step run, and did download-artifact put the files into this folder (check its `path:`)?'
    };
}
/** Walks packages-dir, collecting files and recording what it refuses or does not search. */
class Walker {
    root;
    list;
    result;
    files = [];
    constructor(root, list, result) {
        this.root = root;
        this.list = list;
        this.result = result;
    }
    /** Every regular file below `dir`. Symlinked folders are not followed (they can loop). */
    async walk(dir) {
        let entries;
        try {
            entries = await this.list(dir);
        }
        catch (error) {
            this.result.problems.push(unreadableFolder(this.root, dir, error));
            return;
        }
        for (const entry of entries) {
            const name = decodeName(entry.name);
            if (name === undefined || hasControlCharacter(name)) {
                // Refused, and never descended into: no path below it reaches a log or the index.
                this.result.problems.push(badName(this.root, dir, entry, name));
                continue;
            }
            const full = external_node_path_default().join(dir, name);
            if (entry.isDirectory()) {
                if (isSkippedFolder(name)) {
                    this.result.skippedFolders.push({ path: full, holds: await firstDistribution(full) });
                }
                else {
                    await this.walk(full);
                }
            }
            else if (entry.isFile()) {
                this.files.push(full);
            }
            else if (entry.isSymbolicLink()) {
                // A link to a file counts; a dangling link or a link to a folder does not.
                const target = await (0,promises_.stat)(full).catch(() => undefined);
                if (target?.isFile())
                    this.files.push(full);
            }
        }
    }
}
/** Where a folder is, for messages: relative to packages-dir ('.' for itself). */
function where(root, dir) {
    return escapedName(external_node_path_default().relative(root, dir) || '.');
}
function badName(root, dir, entry, name) {
    const what = entry.isDirectory() ? 'folder' : 'file';
    // Not UTF-8: shown with U+FFFD where the bytes do not decode, and escaped all the same.
    const shown = escapedName(name ?? entry.name.toString('utf8'));
    const why = name === undefined
        ? 'is not valid UTF-8'
        : 'has control characters (newlines, escapes or the like) in it';
    return {
        file: dir,
        rule: 'file-name',
        message: `A ${what} in ${where(root, dir)} (under packages-dir) has a name that ${why}: ${shown}. ` +
            'PyPI refuses such file names, and they are not safe to print in a log; nothing was uploaded.',
        hint: `Rename or delete that ${what} (\`ls -b\` shows such names), or point 'packages-dir' at a folder ` +
            'that holds only the distributions, then run again.'
    };
}
function unreadableFolder(root, dir, error) {
    const code = error.code;
    const why = code === 'EACCES' || code === 'EPERM'
        ? 'permission denied'
        : code === 'ENOENT'
            ? 'it disappeared while it was being searched'
            : code === 'ELOOP'
                ? 'too many levels of symbolic links'
                : code
                    ? `error ${code}`
                    : 'it could not be listed';
    return {
        file: dir,
        rule: 'unreadable-folder',
        message: `The folder ${where(root, dir)} under packages-dir cannot be read: ${why}. Nothing was uploaded.`,
        hint: code === 'EACCES' || code === 'EPERM'
            ? "Give the runner's user read and execute permission on it (e.g. `chmod -R u+rX` on it), " +
                "or point 'packages-dir' at the folder that holds only the distributions."
            : "Make sure nothing changes the folder while this step runs, or point 'packages-dir' at the " +
                'folder that holds only the distributions.'
    };
}
/** Bounds on looking inside a skipped folder: a node_modules or a .git can hold 100 000 entries. */
const PEEK_DEPTH = 4;
const PEEK_ENTRIES = 5000;
/**
 * The first distribution inside a skipped folder, if one is found within a few levels and a few
 * thousand entries (tox puts sdists in `.tox/.pkg/dist/`): enough to warn whoever expected it to
 * be published, without reading a whole virtualenv. Errors only end the look.
 */
async function firstDistribution(folder) {
    let budget = PEEK_ENTRIES;
    const look = async (dir, depth) => {
        const entries = await listFolder(dir).catch(() => []);
        const below = [];
        for (const entry of entries) {
            if (--budget < 0)
                return undefined;
            const name = decodeName(entry.name);
            if (name === undefined || hasControlCharacter(name))
                continue;
            const kind = distKindOf(name);
            if ((entry.isFile() || entry.isSymbolicLink()) && (kind === 'wheel' || kind === 'sdist')) {
                return external_node_path_default().join(dir, name);
            }
            if (entry.isDirectory() && depth < PEEK_DEPTH)
                below.push(external_node_path_default().join(dir, name));
        }
        for (const sub of below) {
            const found = await look(sub, depth + 1);
            if (found)
                return found;
        }
        return undefined;
    };
    return look(folder, 1);
}

;// CONCATENATED MODULE: ./src/inspect/archive.ts
/** What the wheel and sdist readers share: the metadata cap, a member read, the problem builder. */

/** The most uncompressed METADATA / PKG-INFO we read. Real ones are a few KiB to ~1 MiB. */
const MAX_METADATA_BYTES = 4 * 1024 * 1024;
/** One Problem about `file`, thrown or collected. */
function problem(file, rule, message, hint) {
    return new DistributionError([{ file, rule, message, ...(hint ? { hint } : {}) }]);
}

;// CONCATENATED MODULE: ./src/inspect/entry-points.ts
/**
 * PyPI's entry_points.txt rule (Warehouse `validate_entrypoints`): the file must be UTF-8, read
 * without error by Python's configparser (case-sensitive keys, `=` as the only delimiter, strict:
 * no duplicate sections or keys), and every name in `[console_scripts]` and `[gui_scripts]` must
 * match `[\w.-]+` (no path parts). This is configparser's line grammar, rewritten to answer the
 * same yes or no; the differential tests compare it with Python's on many inputs.
 */
/** Whitespace as Python's str.isspace() / str.strip() / regex `\s` see it. */
const PY_SPACE = '\\t\\n\\v\\f\\r\\x1c-\\x1f \\x85\\xa0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000';
const STRIP = new RegExp(`^[${PY_SPACE}]+|[${PY_SPACE}]+$`, 'g');
const NON_SPACE = new RegExp(`[^${PY_SPACE}]`);
const SECTION = /^\[(.+)\]/;
const OPTION = new RegExp(`^(.*?)[${PY_SPACE}]*=[${PY_SPACE}]*(.*)$`, 's');
const RSTRIP = new RegExp(`[${PY_SPACE}]+$`);
/** Python's `[\w.-]+` on str: letters, digits (all Unicode numerics), `_`, `.`, `-`. */
const ENTRY_POINT_NAME = /^[\p{L}\p{N}_.-]+$/u;
const pyStrip = (text) => text.replace(STRIP, '');
/**
 * Why PyPI would refuse this entry_points.txt (for the message), or undefined when it accepts it.
 */
function entryPointsProblem(bytes) {
    let text;
    try {
        text = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(bytes);
    }
    catch {
        return 'entry_points.txt is not decodable as UTF-8';
    }
    const sections = new Map();
    const defaults = [];
    const added = new Set();
    let current;
    let sectionName;
    let option = '';
    let indent = 0;
    let error;
    // io.StringIO splits on '\n' only; each line keeps its '\n' (stripped below).
    const lines = text.split(/(?<=\n)/);
    for (let index = 0; index < lines.length; index++) {
        const line = lines[index];
        const lineNo = index + 1;
        const stripped = pyStrip(line);
        const comment = stripped.startsWith('#') || stripped.startsWith(';');
        const value = comment ? '' : stripped;
        if (value === '')
            continue; // empty lines join the value; comments are dropped
        const firstNonSpace = NON_SPACE.exec(line)?.index ?? 0;
        if (current && option && firstNonSpace > indent)
            continue; // a continuation line
        indent = firstNonSpace;
        const section = SECTION.exec(value);
        if (section) {
            sectionName = section[1];
            if (sectionName === 'DEFAULT') {
                current = defaults;
            }
            else if (sections.has(sectionName)) {
                if (added.has(`[${sectionName}`))
                    return `duplicate section [${sectionName}] (line ${lineNo})`;
                current = sections.get(sectionName);
            }
            else {
                current = [];
                sections.set(sectionName, current);
            }
            added.add(`[${sectionName}`);
            option = '';
            continue;
        }
        if (!current)
            return `a line outside any [section] (line ${lineNo})`;
        const match = OPTION.exec(value);
        if (!match) {
            error ??= `line ${lineNo} is not "name = value"`;
            continue;
        }
        if (match[1] === '')
            error ??= `line ${lineNo} has no name before "="`;
        option = match[1].replace(RSTRIP, '');
        const key = `${sectionName}\u0000${option}`;
        if (added.has(key))
            return `duplicate name '${option}' in [${sectionName}] (line ${lineNo})`;
        added.add(key);
        if (!current.includes(option))
            current.push(option);
    }
    if (error)
        return error;
    for (const name of ['console_scripts', 'gui_scripts']) {
        const names = sections.get(name);
        if (!names)
            continue;
        // A section's keys include those of [DEFAULT], as configparser lists them.
        for (const key of [...names, ...defaults]) {
            if (!ENTRY_POINT_NAME.test(key))
                return `invalid entry point name '${key}' in [${name}]`;
        }
    }
    return undefined;
}

// EXTERNAL MODULE: external "node:fs"
var external_node_fs_ = __nccwpck_require__(3024);
;// CONCATENATED MODULE: external "node:zlib"
const external_node_zlib_namespaceObject = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:zlib");
;// CONCATENATED MODULE: ./src/inspect/tar-header.ts
/**
 * Tar header fields read the way Python's tarfile reads them (`nti`, `calc_chksums`), so that
 * our verdict on a header (valid or not, which size) is Python's. Shared by the sdist reader and
 * by the wheel check "a file both zip and tar is refused" (PyPI asks tarfile.is_tarfile).
 */
const BLOCK = 512;
/** ASCII whitespace as Python's str.strip() sees it (it includes \x1c–\x1f). */
const tar_header_PY_WHITESPACE = new RegExp(String.raw `^[\t\n\v\f\r \x1c-\x1f]+|[\t\n\v\f\r \x1c-\x1f]+$`, 'g');
/** What Python's int(text, 8) accepts: a sign, an optional 0o prefix, `_` between digits. */
const PY_OCTAL = /^([+-]?)(?:0[oO]_?)?([0-7](?:_?[0-7])*)$/;
/**
 * A numeric field as tarfile's `nti`: GNU base-256 when the first byte is 0x80 (positive) or
 * 0xFF (negative), else ASCII octal up to the first NUL. undefined where Python raises.
 */
function pythonNti(field) {
    if (field[0] === 0x80 || field[0] === 0xff) {
        let value = 0;
        for (let i = 1; i < field.length; i++)
            value = value * 256 + field[i];
        if (field[0] === 0xff)
            value = value - 256 ** (field.length - 1);
        return Number.isSafeInteger(value) ? value : undefined;
    }
    const nul = field.indexOf(0);
    const raw = field.subarray(0, nul < 0 ? field.length : nul);
    if (raw.some(byte => byte > 0x7f))
        return undefined;
    const text = raw.toString('latin1').replace(tar_header_PY_WHITESPACE, '');
    if (text === '')
        return 0;
    const match = PY_OCTAL.exec(text);
    if (!match)
        return undefined;
    const value = parseInt(match[2].replace(/_/g, ''), 8);
    return match[1] === '-' ? -value : value;
}
/** The header checksum, as Python checks it: unsigned or signed byte sum, field as spaces. */
function checksumMatches(block) {
    const stored = pythonNti(block.subarray(148, 156));
    if (stored === undefined)
        return false;
    let unsigned = 0;
    let signed = 0;
    for (let i = 0; i < BLOCK; i++) {
        const byte = i >= 148 && i < 156 ? 0x20 : block[i];
        unsigned += byte;
        signed += byte > 127 ? byte - 256 : byte;
    }
    return stored === unsigned || stored === signed;
}
/** Would tarfile take this first block as a member header (so `is_tarfile` says yes)? */
function isTarHeader(block) {
    if (block.length !== BLOCK || block.every(byte => byte === 0))
        return false;
    return checksumMatches(block);
}

;// CONCATENATED MODULE: ./src/inspect/tar.ts
/**
 * Reads an sdist (.tar.gz) the way Python's tarfile lists it for PyPI: every header to the end
 * (member data skipped), since PyPI's rules are about all the names: their `os.path.commonpath`
 * must be one folder, `<top>/PKG-INFO` must be there (the last of that name, as getmember
 * answers), sparse members are refused. Only PKG-INFO's bytes are kept. Not tar-stream, which
 * reads hostile headers otherwise than tarfile does (docs/archives.md).
 *
 * As tarfile: ustar `prefix` (unless the type is a GNU one), pax `x` and global `g` records, GNU
 * long names (`L`), tarfile's numbers (tar-header.ts), folder names' trailing slashes dropped.
 * Names are binary strings (one character per byte): equal exactly when their bytes are.
 */






/** Pax records and GNU long names are a few hundred bytes; more is a broken or hostile archive. */
const MAX_EXTENSION_BYTES = 1024 * 1024;
/** The most decompressed bytes read from one sdist: 1 GiB, or 32× the file when larger. */
const MAX_SDIST_DECOMPRESSED_BYTES = 1024 * 1024 * 1024;
/** More members than this is no real sdist, and their names would fill memory. */
const MAX_MEMBERS = 1_000_000;
const REBUILD_HINT = 'Rebuild the sdist (e.g. `python -m build --sdist`) and make sure the file is not altered or ' +
    'cut short between the build and this step (artifact upload/download, caches).';
const SPARSE_MESSAGE = 'tar archive not accepted: Sparse members are not allowed. See https://docs.pypi.org/archives for more information';
const sdistProblem = (path, rule, message, hint = REBUILD_HINT) => problem(path, rule, `${(0,external_node_path_.basename)(path)}: ${message}`, hint);
const invalidSdist = (path, why) => sdistProblem(path, 'invalid-sdist', `not a valid sdist (.tar.gz): ${why}.`);
/** A binary-string name as text for messages. */
const displayName = (name) => Buffer.from(name, 'latin1').toString('utf8');
/** Exact byte counts from a stream of chunks; skipped bytes are dropped as they arrive. */
class ChunkReader {
    source;
    maxTotal;
    tooMuch;
    held = Buffer.alloc(0);
    total = 0;
    constructor(source, maxTotal, tooMuch) {
        this.source = source;
        this.maxTotal = maxTotal;
        this.tooMuch = tooMuch;
    }
    /** Takes up to `length` bytes (fewer only at the end) into `parts`, or drops them; how many. */
    async take(length, parts) {
        let got = 0;
        while (got < length) {
            if (this.held.length === 0) {
                const next = await this.source.next();
                if (next.done)
                    break;
                this.total += next.value.length;
                if (this.total > this.maxTotal)
                    throw this.tooMuch();
                this.held = next.value;
            }
            const part = this.held.subarray(0, length - got);
            parts?.push(part);
            got += part.length;
            this.held = this.held.subarray(part.length);
        }
        return got;
    }
    async read(length) {
        const parts = [];
        await this.take(length, parts);
        return Buffer.concat(parts);
    }
}
/** A NUL-terminated field, as a binary string. */
function tar_text(block, start = 0, length = block.length) {
    const field = block.subarray(start, start + length);
    const nul = field.indexOf(0);
    return field.toString('latin1', 0, nul < 0 ? field.length : nul);
}
/** `len key=value\n` records of a pax extended header. */
function parsePax(path, data) {
    const records = new Map();
    for (let at = 0; at < data.length && data[at] !== 0;) {
        const space = data.indexOf(0x20, at);
        const length = space < 0 ? NaN : Number(data.toString('latin1', at, space));
        if (!Number.isInteger(length) || length <= 0 || at + length > data.length) {
            throw invalidSdist(path, 'a pax extended header is malformed');
        }
        const record = data.toString('latin1', space + 1, at + length - 1); // without the '\n'
        const equals = record.indexOf('=');
        if (equals > 0)
            records.set(record.slice(0, equals), record.slice(equals + 1));
        at += length;
    }
    return records;
}
/** Path components as os.path.commonpath sees them: no empty and no `.` parts. */
const components = (name) => name.split('/').filter(part => part !== '' && part !== '.');
/** tarfile's REGULAR_TYPES (a sparse `S` member is refused before it matters). */
const REGULAR_TYPES = new Set(['0', '\0', '7']);
/** Types whose data tarfile does not skip (links, devices, folders, FIFOs). */
const NO_DATA_TYPES = new Set(['1', '2', '3', '4', '5', '6']);
const GNU_TYPES = new Set(['L', 'K', 'S']);
const EXTENSION_TYPES = new Set(['x', 'X', 'g', 'L', 'K']);
/** The sdist's core metadata, `<top>/PKG-INFO`, and the names PyPI's rules need. */
async function readSdist(path, options = {}) {
    const file = (0,external_node_fs_.createReadStream)(path, { highWaterMark: 1024 * 1024 });
    const gunzip = (0,external_node_zlib_namespaceObject.createGunzip)();
    // pipe() does not forward errors; a read error must end the gunzip side we iterate.
    file.on('error', error => gunzip.destroy(error));
    file.pipe(gunzip);
    try {
        const { size } = await (0,promises_.stat)(path);
        const cap = options.maxDecompressedBytes ?? Math.max(MAX_SDIST_DECOMPRESSED_BYTES, 32 * size);
        const tooMuch = () => sdistProblem(path, 'sdist-too-large', `it decompresses to more than ${cap} bytes, the most this check reads from one sdist.`, 'An sdist this large is almost certainly a decompression bomb or holds build outputs; ' +
            'keep large data and build artefacts out of the sdist (MANIFEST.in, or the build ' +
            "backend's sdist include/exclude settings) and rebuild.");
        const reader = new ChunkReader(gunzip[Symbol.asyncIterator](), cap, tooMuch);
        return await scan(path, reader, options.maxBytes ?? MAX_METADATA_BYTES);
    }
    catch (error) {
        // zlib reports a truncated or damaged stream with Z_* codes; file errors pass through as-is.
        const code = error.code;
        if (typeof code === 'string' && code.startsWith('Z_')) {
            throw invalidSdist(path, code === 'Z_BUF_ERROR'
                ? 'the gzip stream ends early (truncated)'
                : `the gzip data is corrupt (${error.message})`);
        }
        throw error;
    }
    finally {
        file.destroy();
        gunzip.destroy();
    }
}
/** The sdist's core metadata only (see readSdist). */
async function readSdistMetadata(path, options = {}) {
    return (await readSdist(path, options)).metadata;
}
async function scan(path, reader, maxBytes) {
    const globals = new Map();
    let pax;
    let longName;
    const names = new Set();
    let common;
    let absolute;
    let mixed = false;
    // Members named `<dir>/PKG-INFO` that may still be `<top>/PKG-INFO`; the last of a name wins.
    const candidates = new Map();
    /** `size` bytes and the padding to the next block, kept (or skipped, when `keep` is false). */
    const readData = async (size, what, keep = true) => {
        const padded = Math.ceil(size / BLOCK) * BLOCK;
        const parts = [];
        if ((await reader.take(padded, keep ? parts : undefined)) < padded) {
            throw invalidSdist(path, `the tar stream ends inside ${what} (truncated)`);
        }
        return Buffer.concat(parts).subarray(0, size);
    };
    const sparse = () => sdistProblem(path, 'sdist-sparse', SPARSE_MESSAGE, 'Rebuild the sdist with `python -m build --sdist` (it never writes sparse members); GNU tar ' +
        'writes them for files with holes when given --sparse.');
    for (;;) {
        const block = await reader.read(BLOCK);
        if (block.length === 0)
            break; // no end-of-archive blocks: tolerated, as Python does
        if (block.length < BLOCK)
            throw invalidSdist(path, 'the tar stream ends inside a header (truncated)');
        if (block.every(byte => byte === 0))
            break;
        if (!checksumMatches(block))
            throw invalidSdist(path, 'a tar header fails its checksum');
        let type = String.fromCharCode(block[156]);
        const size = pythonNti(block.subarray(124, 136));
        if (size === undefined || size < 0)
            throw invalidSdist(path, 'a tar header has an unreadable size');
        if (type === 'S')
            throw sparse();
        // Extension headers describe the next member (`K`, a long link target, is not needed).
        if (EXTENSION_TYPES.has(type)) {
            if (size > MAX_EXTENSION_BYTES) {
                throw invalidSdist(path, `an extended header of ${size} bytes is larger than any real one`);
            }
            const data = await readData(size, 'an extended header');
            if (type === 'x' || type === 'X')
                pax = new Map([...globals, ...parsePax(path, data)]);
            else if (type === 'g')
                for (const [k, v] of parsePax(path, data))
                    globals.set(k, v);
            else if (type === 'L')
                longName = tar_text(data);
            continue;
        }
        let name = tar_text(block, 0, 100);
        if (type === '\0' && name.endsWith('/'))
            type = '5';
        if (type === '5')
            name = name.replace(/\/+$/, '');
        const prefix = tar_text(block, 345, 155);
        if (prefix !== '' && !GNU_TYPES.has(type))
            name = `${prefix}/${name}`;
        if (longName !== undefined)
            name = type === '5' ? longName.replace(/\/$/, '') : longName;
        const records = pax ?? (globals.size > 0 ? globals : undefined);
        const sparseMajor = records?.get('GNU.sparse.major') === '1';
        if (records?.has('GNU.sparse.map') || records?.has('GNU.sparse.size'))
            throw sparse();
        if (sparseMajor && records?.get('GNU.sparse.minor') === '0')
            throw sparse();
        name = records?.get('path')?.replace(/\/+$/, '') ?? name;
        const paxSize = records?.get('size');
        if (paxSize !== undefined && !/^\d+$/.test(paxSize)) {
            throw invalidSdist(path, 'a pax size record is malformed');
        }
        const dataSize = paxSize === undefined ? size : Number(paxSize);
        pax = longName = undefined;
        if (names.size >= MAX_MEMBERS) {
            throw invalidSdist(path, `it has more than ${MAX_MEMBERS} members, more than any real sdist`);
        }
        names.add(name);
        const parts = components(name);
        const isAbsolute = name.startsWith('/');
        if (absolute === undefined)
            absolute = isAbsolute;
        else if (absolute !== isAbsolute)
            mixed = true;
        let same = 0;
        while (same < (common ?? parts).length && common?.[same] === parts[same])
            same++;
        common = common === undefined ? parts : common.slice(0, same);
        for (const [candidate, { depth }] of candidates) {
            if (depth > common.length)
                candidates.delete(candidate);
        }
        const depth = parts.length - 1;
        const canonical = (isAbsolute ? '/' : '') + parts.join('/');
        if (parts[depth] === 'PKG-INFO' && canonical === name && depth <= common.length) {
            const regular = REGULAR_TYPES.has(type);
            const keep = regular && dataSize <= maxBytes;
            const data = keep ? await readData(dataSize, displayName(name)) : undefined;
            candidates.set(name, { depth, size: dataSize, regular, ...(data ? { data } : {}) });
            if (keep)
                continue;
        }
        if (!NO_DATA_TYPES.has(type))
            await readData(dataSize, displayName(name), false);
    }
    // PyPI's own layout rule and words (Warehouse `_is_valid_dist_file`).
    if (mixed) {
        throw sdistProblem(path, 'sdist-layout', 'Incorrect number of top-level directories in sdist (it mixes absolute and relative member names).');
    }
    const top = (absolute ? '/' : '') + (common ?? []).join('/');
    if (top === '' || top === '/' || top === '.') {
        const allTops = [...new Set([...names].map(n => components(n)[0] ?? n))];
        const tops = allTops.slice(0, 3).map(t => `'${displayName(t)}'`);
        if (allTops.length > 3)
            tops.push('…');
        const which = names.size === 0 ? ' (the archive is empty)' : ` (${tops.join(', ')})`;
        throw sdistProblem(path, 'sdist-layout', `Incorrect number of top-level directories in sdist${which}; an sdist holds everything under one folder, <name>-<version>/.`);
    }
    const target = `${top}/PKG-INFO`;
    const found = candidates.get(target);
    const shown = displayName(target);
    if (!names.has(target) || !found) {
        throw sdistProblem(path, 'sdist-metadata', `PKG-INFO not found at ${shown}; an sdist carries its core metadata there.`);
    }
    if (!found.regular) {
        throw sdistProblem(path, 'sdist-metadata', `${shown} is not a regular file (a link or a folder).`);
    }
    if (!found.data) {
        throw sdistProblem(path, 'metadata-too-large', `${shown} is ${found.size} bytes, more than the ${maxBytes}-byte limit for core metadata.`, 'A PKG-INFO this large is almost certainly a broken or hostile build; rebuild the sdist.');
    }
    return { metadata: { entryName: shown, data: found.data }, archive: { names, top } };
}

;// CONCATENATED MODULE: ./src/inspect/archive-rules.ts
/**
 * PyPI's rules about the archive itself (Warehouse `_is_valid_dist_file`, `file_upload` in
 * forklift/legacy.py, `utils/zipfiles.py`, `validate_record` and `validate_entrypoints` in
 * `utils/wheel.py`) as Problems in PyPI's words with a fix, over what inspection already read.
 * These are PyPI's policies (a zip with a data descriptor is valid elsewhere): check.ts counts
 * them under `pypiRules`.
 */




/** Warehouse `COMPRESSION_RATIO_MIN_SIZE` and `COMPRESSION_RATIO_THRESHOLD`. */
const RATIO_MIN_SIZE = 64 * 1024 * 1024;
const RATIO_THRESHOLD = 50;
/** Python's csv module refuses a field longer than this (csv.field_size_limit()). */
const CSV_FIELD_LIMIT = 131072;
const REBUILD_WHEEL = 'Rebuild the wheel with its build backend (`python -m build --wheel`) and publish that file ' +
    'as written; tools that rewrite, append to or stream zips produce archives PyPI refuses.';
const invalid = (file, rule, message, hint) => ({
    file,
    rule,
    message: `${(0,external_node_path_.basename)(file)}: Invalid distribution file. ${message}`,
    hint
});
/** A License-File PyPI does not find where it looks. */
const missingLicense = (file, licenseFile, at, hint) => ({
    file,
    rule: 'license-file',
    message: `${(0,external_node_path_.basename)(file)}: License-File ${licenseFile} does not exist in distribution file ${(0,external_node_path_.basename)(file)} at ${at}`,
    hint
});
/** The wheel's archive against PyPI's rules. `licenseFiles`: the License-File values. */
function wheelArchiveProblems(path, archive, licenseFiles) {
    const filename = (0,external_node_path_.basename)(path);
    const problems = [];
    if (archive.alsoTar) {
        problems.push(invalid(path, 'archive-type', 'File is both a zip and a tar file', REBUILD_WHEEL));
    }
    const unpacked = archive.entries.reduce((sum, entry) => sum + entry.uncompressedSize, 0);
    if (unpacked > RATIO_MIN_SIZE && unpacked / archive.fileSize > RATIO_THRESHOLD) {
        problems.push(invalid(path, 'compression-ratio', `File exceeds compression ratio of ${RATIO_THRESHOLD}`, `It unpacks to ${unpacked} bytes from ${archive.fileSize}; PyPI refuses more than ${RATIO_THRESHOLD}× above 64 MiB. Leave large, highly compressible data (zero-filled files, sparse data) out of the wheel.`));
    }
    const oddMethods = [...new Set(archive.entries.map(e => e.method))].filter(m => m !== 0 && m !== 8);
    if (oddMethods.length > 0) {
        problems.push(invalid(path, 'compression-method', 'File does not use a supported compression type', `Members use compression method ${oddMethods.join(', ')}; PyPI takes stored (0) and deflate (8) only. ${REBUILD_WHEEL}`));
    }
    // PyPI takes name and version from the filename verbatim (`split("-", 2)`).
    const parts = filename.split('-');
    if (parts.length < 3) {
        const hint = 'Keep the filename the build backend gave the wheel.';
        return [
            ...problems,
            invalid(path, 'wheel-contents', 'Unable to parse name and version from wheel filename', hint)
        ];
    }
    const distInfo = `${parts[0]}-${parts[1]}.dist-info`;
    const read = (file) => {
        const got = archive.distInfoFiles.get(file);
        if (got instanceof DistributionError)
            problems.push(...got.problems);
        return got instanceof DistributionError ? undefined : got;
    };
    if (!archive.byName.has(`${distInfo}/WHEEL`)) {
        const hint = `The wheel's metadata folder must be ${distInfo}/, named exactly as the filename's name and version. Keep the filename the build backend gave the wheel, or rebuild it.`;
        problems.push(invalid(path, 'wheel-contents', `WHEEL not found at ${distInfo}/WHEEL`, hint));
    }
    else {
        read('WHEEL');
    }
    if (archive.framingProblem !== undefined) {
        const message = `ZIP archive not accepted: ${archive.framingProblem}. See https://docs.pypi.org/archives for more information`;
        problems.push(invalid(path, 'zip-framing', message, REBUILD_WHEEL));
    }
    for (const licenseFile of licenseFiles) {
        const inZip = `${distInfo}/licenses/${licenseFile}`;
        if (archive.byName.has(inZip))
            continue;
        const hint = `Build backends copy the files named by \`license-files\` in pyproject.toml to ${distInfo}/licenses/; check that pattern matches the file, or drop the License-File, and rebuild.`;
        problems.push(missingLicense(path, licenseFile, inZip, hint));
    }
    const record = archive.distInfoFiles.get('RECORD');
    if (record instanceof DistributionError) {
        problems.push(...record.problems);
    }
    else if (record === undefined || !recordParses(record)) {
        problems.push({
            file: path,
            rule: 'wheel-record',
            message: `${filename}: Wheel '${filename}' does not contain the required RECORD file: ${distInfo}/RECORD`,
            hint: `Every wheel lists its files in ${distInfo}/RECORD (a UTF-8 CSV file). ${REBUILD_WHEEL}`
        });
    }
    const entryPoints = read('entry_points.txt');
    const why = entryPoints ? entryPointsProblem(entryPoints) : undefined;
    if (why !== undefined) {
        problems.push({
            file: path,
            rule: 'entry-points',
            message: `${filename}: Wheel '${filename}' has invalid entry points defined in the entry_points.txt file (${why}).`,
            hint: 'Script names in [project.scripts] and [project.gui-scripts] may hold only letters, digits, `_`, `.` and `-`, and entry_points.txt must be an INI file with `=` between name and value and no repeated names. Fix them and rebuild.'
        });
    }
    return problems;
}
/** What PyPI's `csv.reader(text.splitlines())` over RECORD accepts: UTF-8, fields within limit. */
function recordParses(bytes) {
    try {
        const text = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(bytes);
        return text.split(/[\r\n,]/).every(field => field.length <= CSV_FIELD_LIMIT);
    }
    catch {
        return false;
    }
}
/** The sdist's archive against PyPI's rules that need the metadata (the layout is tar.ts's). */
function sdistArchiveProblems(path, archive, licenseFiles, alsoZip) {
    const problems = [];
    if (alsoZip) {
        const hint = 'Rebuild the sdist with `python -m build --sdist` and publish the file as written.';
        problems.push(invalid(path, 'archive-type', 'File is both a zip and a tar file', hint));
    }
    for (const licenseFile of licenseFiles) {
        // os.path.join(top, name): an absolute License-File replaces the top folder.
        const target = licenseFile.startsWith('/')
            ? licenseFile
            : `${displayName(archive.top)}/${licenseFile}`;
        if (archive.names.has(Buffer.from(target, 'utf8').toString('latin1')))
            continue;
        const hint = "License-File paths are relative to the sdist's top folder; include the file in the sdist (`license-files` in pyproject.toml) or drop the License-File, and rebuild.";
        problems.push(missingLicense(path, licenseFile, target, hint));
    }
    return problems;
}

;// CONCATENATED MODULE: external "node:crypto"
const external_node_crypto_namespaceObject = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:crypto");
// EXTERNAL MODULE: ./node_modules/hash-wasm/dist/blake2b.umd.min.js
var blake2b_umd_min = __nccwpck_require__(6427);
var blake2b_umd_min_default = /*#__PURE__*/__nccwpck_require__.n(blake2b_umd_min);
;// CONCATENATED MODULE: ./src/dists/on-disk.ts
function identityOf(stats) {
    return { size: stats.size, mtimeMs: stats.mtimeMs, ino: stats.ino, dev: stats.dev };
}
/** What differs between the file as checked and as found now, in words ([] when nothing). */
function identityChanges(checked, now) {
    const changes = [];
    if (checked.dev !== now.dev || checked.ino !== now.ino) {
        changes.push('it was replaced by another file');
    }
    if (checked.size !== now.size)
        changes.push(`size ${checked.size} → ${now.size} bytes`);
    if (checked.mtimeMs !== now.mtimeMs) {
        const [then, later] = [checked.mtimeMs, now.mtimeMs].map(ms => new Date(ms).toISOString());
        // Within one millisecond the two dates print alike; the file was still written again.
        changes.push(then === later ? `modified again at ${later}` : `modified ${then} → ${later}`);
    }
    return changes;
}
/**
 * The file is not the one that was checked: its digests, size and metadata in the form would
 * describe other bytes. Never retried (sending again would send the same stale form).
 */
class FileChangedError extends Error {
    path;
    filename;
    why;
    constructor(path, filename, why) {
        super(`${filename} changed on disk after it was checked (${why}); nothing was published for it; ` +
            'rebuild and run again (with no other step writing to that folder meanwhile).');
        this.path = path;
        this.filename = filename;
        this.why = why;
        this.name = 'FileChangedError';
    }
}

;// CONCATENATED MODULE: ./src/inspect/digests.ts
/**
 * A file's size and digests in one streaming pass: sha256 and md5 from node:crypto, blake2b-256
 * from hash-wasm (node's crypto only has 512-bit blake2b). The file is never held whole.
 */




/** A file that changed while it was hashed: its digests describe no single version of it. */
class ChangedWhileReadError extends Error {
    path;
    why;
    constructor(path, why) {
        super(`the file changed while it was being read (${why})`);
        this.path = path;
        this.why = why;
        this.name = 'ChangedWhileReadError';
    }
}
function hexDigest(algorithm, bytes) {
    return (0,external_node_crypto_namespaceObject.createHash)(algorithm).update(bytes).digest('hex');
}
async function computeDigests(path) {
    // One handle for the stats and the read, so all are about the same file (not one renamed over it).
    const handle = await (0,promises_.open)(path, 'r');
    try {
        const before = identityOf(await handle.stat());
        const sha256 = (0,external_node_crypto_namespaceObject.createHash)('sha256');
        const md5 = (0,external_node_crypto_namespaceObject.createHash)('md5');
        const blake2b = await blake2b_umd_min_default().createBLAKE2b(256);
        let size = 0;
        // Read to the end, not to the size stat gave: a file that grew is noticed below.
        for await (const chunk of handle.createReadStream({
            autoClose: false,
            highWaterMark: 1 << 20
        })) {
            const bytes = chunk;
            size += bytes.length;
            sha256.update(bytes);
            md5.update(bytes);
            blake2b.update(bytes);
        }
        const changes = identityChanges(before, identityOf(await handle.stat()));
        if (size !== before.size)
            changes.push(`read ${size} of ${before.size} bytes`);
        if (changes.length > 0)
            throw new ChangedWhileReadError(path, changes.join(', '));
        const digests = {
            sha256: sha256.digest('hex'),
            blake2_256: blake2b.digest('hex'),
            md5: md5.digest('hex')
        };
        return { digests, size, onDisk: before };
    }
    finally {
        await handle.close();
    }
}

;// CONCATENATED MODULE: ./src/inspect/zip-file.ts
/** What the wheel reader and the framing walk share: zip's record signatures and positioned reads. */

/** Record signatures, extra field ids, flags and fixed record sizes of the zip format. */
const ZIP = {
    SIG_LOCAL: 0x04034b50,
    SIG_CENTRAL: 0x02014b50,
    SIG_EOCD: 0x06054b50,
    SIG_EOCD64: 0x06064b50,
    SIG_EOCD64_LOCATOR: 0x07064b50,
    ZIP64_EXTRA: 0x0001,
    UNICODE_PATH_EXTRA: 0x7075,
    FLAG_ENCRYPTED: 0x0001,
    FLAG_DATA_DESCRIPTOR: 0x0008,
    FLAG_UTF8: 0x0800,
    EOCD_SIZE: 22,
    CENTRAL_SIZE: 46
};
const READ_AHEAD = 64 * 1024;
/** Positioned reads with a small read-ahead, so the headers of small members cost one read. */
class FileReader {
    handle;
    size;
    window = Buffer.alloc(0);
    start = 0;
    constructor(handle, size) {
        this.handle = handle;
        this.size = size;
    }
    /** Exactly `length` bytes at `position` (a view), or undefined where the file has none. */
    async read(position, length) {
        if (position < 0 || position + length > this.size)
            return undefined;
        const offset = position - this.start;
        if (offset < 0 || offset + length > this.window.length) {
            const want = Math.min(this.size - position, Math.max(length, READ_AHEAD));
            const buffer = Buffer.allocUnsafe(want);
            let done = 0;
            for (let got = -1; done < want && got !== 0; done += got) {
                got = (await this.handle.read(buffer, done, want - done, position + done)).bytesRead;
            }
            this.window = buffer.subarray(0, done);
            this.start = position;
            if (length > done)
                return undefined;
        }
        return this.window.subarray(position - this.start, position - this.start + length);
    }
}
/** Without `stream`, each decode starts afresh, even after a failure. */
const utf8 = new TextDecoder('utf-8', { fatal: true });
function strictUtf8(bytes) {
    try {
        return utf8.decode(bytes);
    }
    catch {
        return undefined;
    }
}
async function zip_file_withFile(path, use) {
    const handle = await (0,promises_.open)(path, 'r');
    try {
        return await use(new FileReader(handle, (await handle.stat()).size));
    }
    finally {
        await handle.close();
    }
}

;// CONCATENATED MODULE: ./src/inspect/zip-framing.ts

/** A control character (C0 or DEL). */
const hasUnprintable = (bytes) => bytes.some(b => b < 0x20 || b === 0x7f);
const u64 = (buffer, at) => Number(buffer.readBigUInt64LE(at));
/**
 * PyPI's zip framing rule (Warehouse `warehouse/utils/zipfiles.py`): a wheel must read the same
 * through the central directory (pip) and through a stream of local headers (other tools), so
 * PyPI walks the records from byte 0 and refuses anything that could make the two disagree. Same
 * walk, PyPI's own words; undefined when PyPI accepts it. `directory`: sizes by `orig_filename`.
 */
async function zipFramingProblem(file, directory) {
    const malformed = 'Malformed zip file';
    // Names as raw bytes (latin1: one character per byte, so equal strings are equal bytes).
    const localNames = new Set();
    const centralNames = new Set();
    let eocd64Seen = false;
    let locatorSeen = false;
    let centralRecords = 0;
    let centralOffset;
    let centralSize = 0;
    let declared;
    let position = 0;
    const read = async (at, length) => {
        const bytes = await file.read(at, length);
        if (!bytes)
            throw new Error(malformed);
        return bytes;
    };
    try {
        for (;;) {
            const signature = (await read(position, 4)).readUInt32LE(0);
            const body = position + 4;
            // An EOCD after a ZIP64 EOCD must have its locator in between.
            if (signature === ZIP.SIG_EOCD && eocd64Seen && !locatorSeen)
                return malformed;
            if (signature === ZIP.SIG_CENTRAL) {
                centralOffset ??= position;
                centralRecords++;
                const header = await read(body, 42);
                const [nameLength, extraLength] = [header.readUInt16LE(24), header.readUInt16LE(26)];
                if (header.readUInt16LE(28) !== 0)
                    return 'Comment in central directory';
                const name = await read(body + 42, nameLength);
                await read(body + 42 + nameLength, extraLength);
                if (hasUnprintable(name))
                    return 'Invalid character in filename';
                centralSize += 46 + nameLength + extraLength;
                const key = name.toString('latin1');
                if (centralNames.has(key))
                    return 'Duplicate filename in central directory';
                if (!localNames.has(key))
                    return 'Missing filename in local headers';
                centralNames.add(key);
                position = body + 42 + nameLength + extraLength;
            }
            else if (signature === ZIP.SIG_LOCAL) {
                const header = await read(body, 26);
                const method = header.readUInt16LE(4);
                let compressedSize = header.readUInt32LE(14);
                let fileSize = header.readUInt32LE(18);
                const [nameLength, extraLength] = [header.readUInt16LE(22), header.readUInt16LE(24)];
                const name = await read(body + 26, nameLength);
                let extra = await read(body + 26 + nameLength, extraLength);
                if (hasUnprintable(name))
                    return 'Invalid character in filename';
                const seen = new Set();
                while (extra.length > 0) {
                    if (extra.length < 4)
                        return malformed;
                    const id = extra.readUInt16LE(0);
                    const size = extra.readUInt16LE(2);
                    if (size + 4 > extra.length)
                        return malformed;
                    if (seen.has(id) && (id === ZIP.ZIP64_EXTRA || id === ZIP.UNICODE_PATH_EXTRA)) {
                        return 'Invalid duplicate extra in local file';
                    }
                    seen.add(id);
                    if (id === ZIP.ZIP64_EXTRA) {
                        if (![0, 8, 16, 24, 28].includes(size))
                            return malformed;
                        if (size === 0) {
                            if (compressedSize === 0xffffffff || fileSize === 0xffffffff)
                                return malformed;
                        }
                        else if (size === 8) {
                            // Only the uncompressed size: sound only when stored (compressed = uncompressed).
                            if (method !== 0)
                                return malformed;
                            compressedSize = u64(extra, 4);
                            if (fileSize === 0xffffffff)
                                fileSize = compressedSize;
                        }
                        else {
                            if (fileSize === 0xffffffff)
                                fileSize = u64(extra, 4);
                            compressedSize = u64(extra, 12);
                        }
                    }
                    else if (id === ZIP.UNICODE_PATH_EXTRA) {
                        const unicodeName = extra.subarray(Math.min(9, 4 + size), 4 + size);
                        if (hasUnprintable(unicodeName))
                            return 'Invalid character in filename';
                        if (strictUtf8(unicodeName) === undefined)
                            return 'Filename not valid UTF-8';
                    }
                    extra = extra.subarray(size + 4);
                }
                if (header.readUInt16LE(2) & ZIP.FLAG_DATA_DESCRIPTOR)
                    return 'ZIP contains a data descriptor';
                const text = strictUtf8(name);
                if (text === undefined)
                    return 'Filename not unicode';
                const expected = directory.get(text);
                if (!expected)
                    return 'Filename not in central directory';
                if (expected.compressedSize !== compressedSize)
                    return 'Mis-matched data size';
                if (expected.uncompressedSize !== fileSize)
                    return 'Mis-matched file size';
                const key = name.toString('latin1');
                if (localNames.has(key))
                    return 'Duplicate filename in local headers';
                localNames.add(key);
                position = body + 26 + nameLength + extraLength + compressedSize;
            }
            else if (signature === ZIP.SIG_EOCD) {
                centralOffset ??= position;
                const record = await read(body, 18);
                const records = record.readUInt16LE(6);
                if (record.readUInt16LE(4) !== records)
                    return malformed;
                // With ZIP64, the ZIP64 record's values count and this record's are placeholders.
                if (!(locatorSeen && declared)) {
                    declared = { records, size: record.readUInt32LE(8), offset: record.readUInt32LE(12) };
                }
                position = body + 18 + record.readUInt16LE(16);
                if (declared.records !== centralRecords)
                    return 'Mismatched central directory records';
                if (declared.offset !== centralOffset)
                    return 'Mismatched central directory offset';
                if (declared.size !== centralSize)
                    return 'Mismatched central directory size';
                break;
            }
            else if (signature === ZIP.SIG_EOCD64) {
                eocd64Seen = true;
                const record = await read(body, 52);
                const records = u64(record, 28);
                if (u64(record, 20) !== records)
                    return malformed;
                if (u64(record, 0) !== 44)
                    return 'ZIP64 extensible data not allowed';
                declared = { records, size: u64(record, 36), offset: u64(record, 44) };
                position = body + 52;
            }
            else if (signature === ZIP.SIG_EOCD64_LOCATOR) {
                await read(body, 16);
                locatorSeen = true;
                position = body + 16;
            }
            else {
                return 'Unknown record signature';
            }
        }
    }
    catch (error) {
        if (error.message === malformed)
            return malformed;
        throw error;
    }
    if (localNames.size !== centralNames.size)
        return 'Mis-matched local headers and central directory';
    return position === file.size ? undefined : 'Trailing data';
}

;// CONCATENATED MODULE: ./src/inspect/zip.ts
/**
 * Reads a wheel as pip and PyPI do: the central directory found and decoded exactly as Python's
 * zipfile does (not yauzl, which differs on hostile files: docs/archives.md), METADATA and the
 * few files PyPI reads, capped and CRC-checked, and PyPI's framing walk over the local headers.
 * Only the directory, the headers and those members are read, never the whole file.
 */








/** A bigger central directory than this is not a wheel anyone built (~400k members). */
const MAX_CENTRAL_DIRECTORY_BYTES = 64 * 1024 * 1024;
/** The most we read of WHEEL, RECORD or entry_points.txt (PyPI reads each whole). */
const MAX_WHEEL_FILE_BYTES = 16 * 1024 * 1024;
/** The files in `{name}-{version}.dist-info/` that PyPI reads besides METADATA. */
const PYPI_READS = ['WHEEL', 'RECORD', 'entry_points.txt'];
const zip_REBUILD_HINT = 'Rebuild the wheel (e.g. `python -m build --wheel`) and make sure the file is not altered ' +
    'or cut short between the build and this step (artifact upload/download, caches).';
const invalidWheel = (path, why) => problem(path, 'invalid-wheel', `${(0,external_node_path_.basename)(path)} is not a valid wheel (zip archive): ${why}.`, zip_REBUILD_HINT);
/** Exactly `length` bytes at `position`, or the file is cut short. */
async function need(file, path, position, length) {
    const bytes = await file.read(position, length);
    if (!bytes)
        throw invalidWheel(path, 'the file ends early (truncated)');
    return bytes;
}
function safeNumber(path, value, what) {
    if (value > BigInt(Number.MAX_SAFE_INTEGER))
        throw invalidWheel(path, `${what} is out of range`);
    return Number(value);
}
/**
 * Finds the central directory as Python's zipfile does, so that two end records, or one hidden in
 * a comment, give the members Python sees: the last 22 bytes if they are an EOCD with no comment,
 * else the LAST signature in the final 64 KiB; a ZIP64 record counts only right before its locator.
 */
async function locateCentralDirectory(file, path) {
    if (file.size < ZIP.EOCD_SIZE) {
        throw invalidWheel(path, `it is only ${file.size} bytes long, too short for a zip archive`);
    }
    const tailStart = Math.max(0, file.size - ZIP.EOCD_SIZE - 0x10000);
    const tail = await need(file, path, tailStart, file.size - tailStart);
    const last = tail.length - ZIP.EOCD_SIZE;
    let at = tail.readUInt32LE(last) === ZIP.SIG_EOCD && tail.readUInt16LE(last + 20) === 0
        ? last
        : tail.lastIndexOf(Buffer.from([0x50, 0x4b, 0x05, 0x06]));
    if (at > last)
        at = -1;
    if (at < 0) {
        throw invalidWheel(path, 'no end of central directory record (the file is truncated or not a zip)');
    }
    let size = tail.readUInt32LE(at + 12);
    let offset = tail.readUInt32LE(at + 16);
    let directoryEnd = tailStart + at;
    const locator = await file.read(directoryEnd - 20, 20);
    if (locator?.readUInt32LE(0) === ZIP.SIG_EOCD64_LOCATOR) {
        if (locator.readUInt32LE(4) !== 0 || locator.readUInt32LE(16) > 1) {
            throw invalidWheel(path, 'it is a multi-part (spanned) zip archive');
        }
        const record = await file.read(directoryEnd - 76, 56);
        if (!record)
            throw invalidWheel(path, 'the ZIP64 end of central directory record is missing');
        // Like Python, a locator without its record leaves the plain EOCD in charge.
        if (record.readUInt32LE(0) === ZIP.SIG_EOCD64) {
            size = safeNumber(path, record.readBigUInt64LE(40), 'the central directory size');
            offset = safeNumber(path, record.readBigUInt64LE(48), 'the central directory offset');
            directoryEnd -= 76;
        }
    }
    const base = directoryEnd - size - offset;
    if (offset + base < 0) {
        throw invalidWheel(path, 'the central directory lies outside the file (truncated?)');
    }
    if (size > MAX_CENTRAL_DIRECTORY_BYTES) {
        throw invalidWheel(path, `its central directory is ${size} bytes, more than any real wheel`);
    }
    return { start: base + offset, size, base };
}
/** Code page 437, bytes 0x80–0xFF: how Python's zipfile decodes names without the UTF-8 flag. */
const CP437_HIGH = 'ÇüéâäàåçêëèïîìÄÅÉæÆôöòûùÿÖÜ¢£¥₧ƒáíóúñÑªº¿⌐¬½¼¡«»░▒▓│┤╡╢╖╕╣║╗╝╜╛┐└┴┬├─┼╞╟╚╔╩╦╠═╬╧╨╤╥╙╘╒╓╫╪┘┌█▄▌▐▀' +
    'αßΓπΣσµτΦΘΩδ∞φε∩≡±≥≤⌠⌡÷≈°∙·√ⁿ²■\u00a0';
const decodeCp437 = (bytes) => Array.from(bytes, b => (b < 0x80 ? String.fromCharCode(b) : CP437_HIGH[b - 0x80])).join('');
/** The central directory records as Python's zipfile reads them: until the declared size is used. */
function parseCentralDirectory(path, bytes, base) {
    const entries = [];
    for (let at = 0; at < bytes.length;) {
        const damaged = invalidWheel(path, `central directory record ${entries.length + 1} is damaged`);
        if (at + ZIP.CENTRAL_SIZE > bytes.length || bytes.readUInt32LE(at) !== ZIP.SIG_CENTRAL)
            throw damaged;
        const flags = bytes.readUInt16LE(at + 8);
        const [nameLength, extraLength, commentLength] = [28, 30, 32].map(f => bytes.readUInt16LE(at + f));
        const nameStart = at + ZIP.CENTRAL_SIZE;
        const extraStart = nameStart + nameLength;
        const extraEnd = extraStart + extraLength;
        if (extraEnd + commentLength > bytes.length)
            throw damaged;
        const rawName = bytes.subarray(nameStart, extraStart);
        const origName = flags & ZIP.FLAG_UTF8 ? strictUtf8(rawName) : decodeCp437(rawName);
        if (origName === undefined)
            throw invalidWheel(path, 'a member name flagged as UTF-8 is not UTF-8');
        // Python cuts a name at its first NUL (a trick to hide a member's real name).
        const name = origName.split('\0')[0];
        const sizes = [24, 20, 42].map(f => bytes.readUInt32LE(at + f));
        // ZIP64 extra: 64-bit values, in this order, for each 32-bit field that is 0xFFFFFFFF.
        for (let extra = extraStart; extra + 4 <= extraEnd;) {
            const end = extra + 4 + bytes.readUInt16LE(extra + 2);
            if (end > extraEnd)
                throw invalidWheel(path, `the extra field of '${name}' is damaged`);
            if (bytes.readUInt16LE(extra) === ZIP.ZIP64_EXTRA) {
                let field = extra + 4;
                for (let i = 0; i < 3; i++) {
                    if (sizes[i] !== 0xffffffff)
                        continue;
                    if (field + 8 > end)
                        throw invalidWheel(path, `the ZIP64 data of '${name}' is damaged`);
                    sizes[i] = safeNumber(path, bytes.readBigUInt64LE(field), i < 2 ? 'a size' : 'an offset');
                    field += 8;
                }
            }
            extra = end;
        }
        entries.push({
            name,
            origName,
            method: bytes.readUInt16LE(at + 10),
            flags,
            crc32: bytes.readUInt32LE(at + 16),
            uncompressedSize: sizes[0],
            compressedSize: sizes[1],
            localHeaderOffset: base + sizes[2]
        });
        at = extraEnd + commentLength;
    }
    return entries;
}
async function entriesOf(file, path) {
    const directory = await locateCentralDirectory(file, path);
    const bytes = await need(file, path, directory.start, directory.size);
    return parseCentralDirectory(path, bytes, directory.base);
}
/** Lists the archive's members from its central directory. */
function readZipEntries(path) {
    return withFile(path, file => entriesOf(file, path));
}
/**
 * Python's zipfile.is_zipfile as PyPI runs it (3.13+): an end record, and either an empty
 * directory or a central directory record where it says. Asked of sdists (PyPI refuses both).
 */
function isZipFile(path) {
    return zip_file_withFile(path, async (file) => {
        const directory = await locateCentralDirectory(file, path);
        if (directory.size === 0 && directory.start === directory.base)
            return true;
        const record = directory.size < ZIP.CENTRAL_SIZE
            ? undefined
            : await file.read(directory.start, ZIP.CENTRAL_SIZE);
        return record?.readUInt32LE(0) === ZIP.SIG_CENTRAL;
    }).catch((error) => {
        if (error instanceof DistributionError)
            return false;
        throw error;
    });
}
/** One member's bytes: stored or deflated, capped at `maxBytes`, CRC-checked. */
async function extract(file, path, entry, maxBytes) {
    const { name } = entry;
    const tooLarge = (size) => problem(path, 'metadata-too-large', `${(0,external_node_path_.basename)(path)}: ${name} is ${size}, more than the ${maxBytes}-byte limit for ${name.endsWith('/METADATA') ? 'core metadata' : 'this file'}.`, `A ${(0,external_node_path_.basename)(name)} file this large is almost certainly a broken or hostile build; rebuild the wheel.`);
    if (entry.flags & ZIP.FLAG_ENCRYPTED)
        throw invalidWheel(path, `${name} is encrypted`);
    if (entry.method !== 0 && entry.method !== 8) {
        throw invalidWheel(path, `${name} uses compression method ${entry.method}; wheels may only use stored (0) or deflate (8)`);
    }
    if (entry.uncompressedSize > maxBytes)
        throw tooLarge(`${entry.uncompressedSize} bytes`);
    // Deflate never needs much more room than the data it encodes; anything bigger is not METADATA.
    if (entry.compressedSize > (entry.method === 0 ? maxBytes : maxBytes + (maxBytes >> 4) + 1024)) {
        throw tooLarge(`${entry.compressedSize} bytes compressed`);
    }
    const local = await need(file, path, entry.localHeaderOffset, 30);
    if (local.readUInt32LE(0) !== ZIP.SIG_LOCAL) {
        throw invalidWheel(path, `the local header of ${name} is missing or damaged`);
    }
    const dataStart = entry.localHeaderOffset + 30 + local.readUInt16LE(26) + local.readUInt16LE(28);
    const raw = await need(file, path, dataStart, entry.compressedSize);
    let data = raw;
    if (entry.method === 8) {
        try {
            // zlib stops as soon as the output passes the cap, whatever size the member claims.
            data = (0,external_node_zlib_namespaceObject.inflateRawSync)(raw, { maxOutputLength: maxBytes });
        }
        catch (error) {
            // By code, not instanceof: node's errors may come from another realm (jest's vm modules).
            if (error.code === 'ERR_BUFFER_TOO_LARGE') {
                throw tooLarge(`inflating to more than ${maxBytes} bytes`);
            }
            throw invalidWheel(path, `the compressed data of ${name} is corrupt (${error.message})`);
        }
    }
    if (data.length !== entry.uncompressedSize) {
        throw invalidWheel(path, `${name} holds ${data.length} bytes but the directory says ${entry.uncompressedSize}`);
    }
    if ((0,external_node_zlib_namespaceObject.crc32)(data) !== entry.crc32)
        throw invalidWheel(path, `${name} fails its CRC-32 check`);
    return data;
}
/** `<anything>.dist-info/METADATA` at the top of the archive (not nested in a package). */
const TOP_LEVEL_METADATA = /^[^/]+\.dist-info\/METADATA$/;
/** The wheel's core metadata: the single top-level `*.dist-info/METADATA` (see readWheel). */
async function readWheelMetadata(path, options = {}) {
    return (await readWheel(path, options)).metadata;
}
/**
 * The wheel's core metadata (exactly one top-level `.dist-info/METADATA`; vendored packages'
 * nested ones are ignored) and what PyPI's archive rules look at.
 */
function readWheel(path, options = {}) {
    return zip_file_withFile(path, async (file) => {
        const entries = await entriesOf(file, path);
        const byName = new Map(entries.map(entry => [entry.name, entry]));
        const candidates = [...byName.values()].filter(e => TOP_LEVEL_METADATA.test(e.name));
        if (candidates.length !== 1) {
            const found = candidates.length === 0
                ? 'it has no <name>-<version>.dist-info/METADATA at the top level'
                : `it has ${candidates.length} top-level .dist-info/METADATA files (${candidates.map(c => c.name).join(', ')})`;
            throw problem(path, 'wheel-metadata', `${(0,external_node_path_.basename)(path)}: ${found}; a wheel has exactly one.`, zip_REBUILD_HINT);
        }
        const [entry] = candidates;
        const maxBytes = options.maxBytes ?? MAX_METADATA_BYTES;
        const metadata = { entryName: entry.name, data: await extract(file, path, entry, maxBytes) };
        const framingProblem = await zipFramingProblem(file, new Map(entries.map(e => [e.origName, e])));
        const firstBlock = await file.read(0, 512);
        const distInfoFiles = new Map();
        const parts = (0,external_node_path_.basename)(path).split('-');
        for (const name of parts.length >= 3 ? PYPI_READS : []) {
            const member = byName.get(`${parts[0]}-${parts[1]}.dist-info/${name}`);
            if (!member)
                continue;
            const data = await extract(file, path, member, MAX_WHEEL_FILE_BYTES).catch((error) => {
                if (error instanceof DistributionError)
                    return error;
                throw error;
            });
            distInfoFiles.set(name, data);
        }
        const archive = {
            fileSize: file.size,
            entries,
            byName,
            ...(framingProblem === undefined ? {} : { framingProblem }),
            alsoTar: firstBlock !== undefined && isTarHeader(firstBlock),
            distInfoFiles
        };
        return { metadata, archive };
    });
}

;// CONCATENATED MODULE: ./src/inspect/inspect.ts
/**
 * Turns a file on disk into a `Distribution`: its kind from the name, its core metadata from the
 * archive, its digests and size from one streaming pass run beside the archive read. Every
 * failure is a `DistributionError` whose Problem names the file and says what to do.
 */









/** How many files are inspected at once: enough to overlap I/O and hashing, few enough for CI. */
const INSPECT_CONCURRENCY = 4;
/** Wheels are `.whl`; sdists are `.tar.gz` (PEP 625: PyPI takes no other sdist format). */
function kindOf(path) {
    const kind = distKindOf((0,external_node_path_.basename)(path));
    if (kind === 'wheel' || kind === 'sdist')
        return kind;
    throw problem(path, 'unsupported-file', `${(0,external_node_path_.basename)(path)} is neither a wheel (.whl) nor an sdist (.tar.gz).`, 'Publish only what `python -m build` writes: a .tar.gz sdist and .whl wheels.');
}
/** The `pyversion` form field: the wheel's python tag as written (e.g. `py2.py3`). */
function pythonTagOf(path) {
    const parsed = parseWheelFilename((0,external_node_path_.basename)(path));
    if (parsed)
        return parsed.pythonTag;
    throw problem(path, 'wheel-filename', `${(0,external_node_path_.basename)(path)} is not a valid wheel filename ({name}-{version}(-{build})?-{python tag}-{abi tag}-{platform tag}.whl).`, 'Keep the filename the build backend gave the wheel; renaming it breaks installers and the index.');
}
const FS_ERRORS = {
    ENOENT: 'the file does not exist (any more)',
    EACCES: 'permission denied',
    EPERM: 'permission denied',
    EISDIR: 'it is a folder, not a file'
};
/** File-system failures (missing file, no permission, a folder) as problems, not crashes. */
function asProblem(path, error) {
    if (error instanceof DistributionError)
        return error;
    if (error instanceof ChangedWhileReadError) {
        return problem(path, 'changed-while-read', `${(0,external_node_path_.basename)(path)} changed while it was being checked (${error.why}).`, 'Another step is still writing to this folder: let the build finish before this step starts, then run again.');
    }
    const why = FS_ERRORS[error.code ?? ''] ?? error.message;
    return problem(path, 'unreadable', `${(0,external_node_path_.basename)(path)} cannot be read: ${why}.`, 'Check that the build step wrote the file where this step looks for it, and that nothing removes it in between.');
}
/** ignoreBOM keeps a byte order mark in the text, where Python keeps it too. */
const metadataDecoder = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });
/** Decodes METADATA / PKG-INFO bytes: the spec says UTF-8, and anything else is refused. */
function decodeMetadata(path, member) {
    let text;
    try {
        text = metadataDecoder.decode(member.data);
    }
    catch {
        throw problem(path, 'metadata-encoding', `${(0,external_node_path_.basename)(path)}: ${member.entryName} is not valid UTF-8.`, 'Core metadata must be UTF-8; rebuild with a current build backend.');
    }
    if (text.startsWith('\uFEFF')) {
        // Python's email parser (pip, twine, PyPI) then reads the first line as body: no headers.
        throw problem(path, 'metadata-encoding', `${(0,external_node_path_.basename)(path)}: ${member.entryName} starts with a UTF-8 byte order mark, so Python's email parser (pip, twine) reads no headers in it.`, 'Write core metadata as UTF-8 without a byte order mark; rebuild with a current build backend.');
    }
    return text;
}
/** The archive as read, with PyPI's archive rules applied to it (they need the License-Files). */
async function readArchive(path, kind) {
    if (kind === 'wheel') {
        const { metadata, archive } = await readWheel(path);
        return {
            metadata,
            rules: (licenses) => wheelArchiveProblems(path, archive, licenses)
        };
    }
    const [{ metadata, archive }, alsoZip] = await Promise.all([readSdist(path), isZipFile(path)]);
    return {
        metadata,
        rules: (licenses) => sdistArchiveProblems(path, archive, licenses, alsoZip)
    };
}
async function inspectDistribution(file) {
    const path = (0,external_node_path_.resolve)(file);
    const filename = (0,external_node_path_.basename)(path);
    const kind = kindOf(path);
    const pyversion = kind === 'wheel' ? pythonTagOf(path) : 'source';
    // Both read the file at once. allSettled, so a failing archive read never leaves the digest
    // pass unobserved; an archive problem is reported before a change to the file.
    const [read, hashed] = await Promise.allSettled([readArchive(path, kind), computeDigests(path)]);
    if (read.status === 'rejected')
        throw asProblem(path, read.reason);
    if (hashed.status === 'rejected')
        throw asProblem(path, hashed.reason);
    const member = read.value.metadata;
    const metadata = parseCoreMetadata(decodeMetadata(path, member));
    // PyPI checks the License-File values the form carries (only sent from Metadata-Version 2.4).
    const metadataFields = metadataToFormFields(metadata);
    const licenseFiles = metadataFields.filter(([name]) => name === 'license_file').map(([, v]) => v);
    const archiveProblems = read.value.rules(licenseFiles);
    const required = { 'Metadata-Version': '', Name: '', Version: '' };
    const missing = [];
    for (const header of Object.keys(required)) {
        const value = getHeader(metadata, header)?.trim();
        // setuptools writes "UNKNOWN" when it could not find the name or version: as good as missing.
        if (!value || value === 'UNKNOWN')
            missing.push(header);
        else
            required[header] = value;
    }
    if (missing.length > 0) {
        throw problem(path, 'metadata-missing-field', `${filename}: ${member.entryName} has no ${missing.join(', ')} (or only "UNKNOWN").`, 'Set the project name and version in pyproject.toml ([project] name, version) and rebuild; an "UNKNOWN" value means the backend could not find them.');
    }
    const { size, digests, onDisk } = hashed.value;
    return {
        path,
        filename,
        kind,
        filetype: kind === 'wheel' ? 'bdist_wheel' : 'sdist',
        pyversion,
        size,
        digests,
        onDisk,
        name: required.Name,
        version: required.Version,
        metadataVersion: required['Metadata-Version'],
        metadata,
        metadataFields,
        ...(archiveProblems.length > 0 ? { archiveProblems } : {})
    };
}
/**
 * Inspects every file, at most `concurrency` at a time, and collects every problem instead of
 * stopping at the first. `dists` keeps the order of `paths` (minus the files with problems).
 */
async function inspectAll(paths, options = {}) {
    const results = new Array(paths.length);
    let next = 0;
    const worker = async () => {
        for (let index = next++; index < paths.length; index = next++) {
            try {
                results[index] = await inspectDistribution(paths[index]);
                options.onInspected?.(results[index]);
            }
            catch (error) {
                results[index] = asProblem((0,external_node_path_.resolve)(paths[index]), error).problems;
            }
        }
    };
    const workers = Math.max(1, Math.min(options.concurrency ?? INSPECT_CONCURRENCY, paths.length));
    await Promise.all(Array.from({ length: workers }, worker));
    return {
        dists: results.filter((r) => !Array.isArray(r)),
        problems: results.filter(Array.isArray).flat()
    };
}

;// CONCATENATED MODULE: ./src/shared/format.ts
/** Human sizes for logs and the summary (binary units, as file managers show them). */
function formatSize(bytes) {
    if (bytes < 1024)
        return `${bytes} B`;
    if (bytes < 1024 * 1024)
        return `${(bytes / 1024).toFixed(1)} KiB`;
    if (bytes < 1024 * 1024 * 1024)
        return `${(bytes / (1024 * 1024)).toFixed(1)} MiB`;
    return `${(bytes / (1024 * 1024 * 1024)).toFixed(2)} GiB`;
}

;// CONCATENATED MODULE: ./src/pipeline/prepare.ts










/** Finds, reads and checks every file; throws with every problem before the first upload. */
async function prepare(settings, log, run, options = {}) {
    const found = settings.files
        ? await listedDistributions(settings.files, settings.distributions)
        : await discoverDistributions(settings.packagesDir, settings.distributions);
    for (const file of found.passedOver)
        log.debug(`Passed over (not a distribution): ${file}`);
    for (const folder of found.skippedFolders) {
        log.debug(`Not searched (dot-folders and node_modules never are): ${folder.path}`);
        if (folder.holds) {
            log.notice(`${external_node_path_default().relative(settings.packagesDir, folder.path)}/ holds distributions (e.g. ` +
                `${external_node_path_default().relative(settings.packagesDir, folder.holds)}) that are not published: folders ` +
                "whose names start with '.', and node_modules, are never searched. To publish them, set " +
                "'packages-dir' to that folder.");
        }
    }
    for (const file of found.excluded) {
        log.info(`Not published (kind not in 'distributions'): ${external_node_path_default().basename(file)}`);
    }
    const inspected = await inspectAll(found.files.map(f => f.path), { onInspected: options.onInspected });
    const { unique, duplicates, problems: duplicateProblems } = dedupeByFilename(inspected.dists);
    for (const dup of duplicates)
        log.debug(`Same file found twice, counted once: ${dup.path}`);
    const problems = [...found.problems, ...inspected.problems, ...duplicateProblems];
    if (settings.verifyMetadata) {
        // What any index needs is an error everywhere; PyPI's own policies are errors for PyPI and
        // TestPyPI, warnings for other indexes, which decide for themselves (e.g. local versions).
        const report = ({ errors, warnings }) => {
            problems.push(...errors);
            for (const warning of warnings)
                log.warning(describeProblem(warning), warning.file);
        };
        report(checkDistributions(unique, { pypiRules: pypiRulesFor(settings.repositoryUrl) }));
        const env = options.descriptions?.env ?? run.childEnv;
        report(await checkDescriptions(unique, { ...options.descriptions, env, log }));
    }
    if (settings.verifyTag) {
        const tag = checkTagMatchesVersions(unique, run);
        problems.push(...tag.errors);
        for (const notice of tag.notices)
            log.notice(notice);
    }
    const { allowMultipleVersions } = settings;
    problems.push(...checkOneRelease(unique, { allowMultipleVersions }));
    if (problems.length > 0)
        throw new DistributionError(problems);
    const hashes = settings.printHash || settings.verbose;
    for (const dist of unique) {
        log.info(`${dist.filename}: ${dist.name} ${dist.version}, ${dist.kind}, ${formatSize(dist.size)}` +
            (hashes ? '' : `, sha256 ${dist.digests.sha256}`));
        if (hashes) {
            log.info(`  sha256:      ${dist.digests.sha256}`);
            log.info(`  md5:         ${dist.digests.md5}`);
            log.info(`  blake2b-256: ${dist.digests.blake2_256}`);
        }
    }
    return unique;
}
function describeProblem(problem) {
    return `${problem.message}${problem.hint ? `\n  → ${problem.hint}` : ''}`;
}

;// CONCATENATED MODULE: ./src/attest/policy.ts
/** Upload hosts that take PEP 740 attestations (PyPI and TestPyPI). */
const ATTESTING_HOSTS = new Set(['upload.pypi.org', 'test.pypi.org']);
/**
 * Whether to sign attestations, and when they were asked for but cannot be made, a warning that
 * says why (PyPI accepts attestations only with trusted publishing, and other indexes not at all).
 */
function decideAttestations(input) {
    if (!input.requested)
        return { sign: false };
    const host = new URL(input.repositoryUrl).host;
    const accepts = input.indexAcceptsAttestations ?? ATTESTING_HOSTS.has(host);
    if (!accepts) {
        return {
            sign: false,
            warning: `No attestations: ${host} is not PyPI or TestPyPI, and other indexes do not accept PEP 740 ` +
                'attestations. Set `attestations: false` to silence this warning.'
        };
    }
    if (input.method === 'token') {
        return {
            sign: false,
            warning: 'No attestations: they need trusted publishing (a Sigstore certificate for this ' +
                'workflow), and this run uses an API token. Switch to trusted publishing to attest ' +
                'your files, or set `attestations: false` to silence this warning.'
        };
    }
    return { sign: true };
}

;// CONCATENATED MODULE: ./src/auth/errors.ts
/**
 * A trusted-publishing or credential problem the user can act on. The message is complete (what
 * happened, why, what to change) and never holds a secret: no ID token, no minted token.
 */
class TrustedPublishingError extends Error {
    /**
     * Set when waiting may heal it (a 5xx, a 429, no answer): the exchange retries those with the
     * uploads' backoff. `reason` is the short form for the retry's log line.
     */
    transient;
    constructor(message, options) {
        super(message, options);
        this.name = 'TrustedPublishingError';
        this.transient = options?.transient;
    }
}
/** Signing an attestation failed; the run must stop before any upload. */
class AttestationError extends Error {
    constructor(message, options) {
        super(message, options);
        this.name = 'AttestationError';
    }
}

;// CONCATENATED MODULE: ./src/attest/sign.ts

/**
 * PEP 740 publish attestations (docs/upload-protocol.md §6): an in-toto statement naming one
 * distribution, signed as a DSSE envelope with a short-lived Sigstore certificate bound to this
 * workflow's identity, logged in Rekor, then reshaped from a Sigstore bundle into the object PyPI
 * takes in the `attestations` form field.
 */
const STATEMENT_TYPE = 'https://in-toto.io/Statement/v1';
const PUBLISH_PREDICATE_TYPE = 'https://docs.pypi.org/attestations/publish/v1';
/** The DSSE payload type of an in-toto statement. */
const INTOTO_PAYLOAD_TYPE = 'application/vnd.in-toto+json';
const PUBLIC_FULCIO_URL = 'https://fulcio.sigstore.dev';
const PUBLIC_REKOR_URL = 'https://rekor.sigstore.dev';
/** The statement's bytes. Exactly one subject: PyPI refuses more. */
function publishStatement(subject) {
    const statement = {
        _type: STATEMENT_TYPE,
        subject: [{ name: subject.filename, digest: { sha256: subject.sha256.toLowerCase() } }],
        predicateType: PUBLISH_PREDICATE_TYPE,
        predicate: {}
    };
    return Buffer.from(JSON.stringify(statement), 'utf8');
}
/**
 * Signs a publish attestation for one distribution. Throws AttestationError when any step fails
 * (ID token, Fulcio, Rekor): the caller must stop before uploading, since a release published
 * without its attestation cannot get one later.
 */
async function createAttestation(subject, config) {
    const timeout = config.timeoutMs ?? 30_000;
    // Loaded on first use: @sigstore/sign brings an HTTP stack of its own (make-fetch-happen,
    // cacache…) that every run would otherwise parse at start-up, attesting or not (~110 ms).
    const [{ DSSEBundleBuilder, FulcioSigner, RekorWitness }, { bundleToJSON }] = await Promise.all([
        Promise.all(/* import() */[__nccwpck_require__.e(40), __nccwpck_require__.e(179)]).then(__nccwpck_require__.bind(__nccwpck_require__, 5179)),
        __nccwpck_require__.e(/* import() */ 40).then(__nccwpck_require__.bind(__nccwpck_require__, 1040))
    ]);
    const builder = new DSSEBundleBuilder({
        signer: new FulcioSigner({
            identityProvider: { getToken: () => config.getIdToken('sigstore') },
            fulcioBaseURL: config.fulcioUrl ?? PUBLIC_FULCIO_URL,
            timeout,
            retry: 2
        }),
        witnesses: [
            new RekorWitness({
                rekorBaseURL: config.rekorUrl ?? PUBLIC_REKOR_URL,
                // PyPI verifies `dsse` entries (the kind sigstore-python writes for DSSE envelopes).
                entryType: 'dsse',
                majorApiVersion: 1,
                timeout,
                retry: 2
            })
        ]
    });
    let bundle;
    try {
        bundle = await builder.create({ data: publishStatement(subject), type: INTOTO_PAYLOAD_TYPE });
    }
    catch (error) {
        throw new AttestationError(`Signing the attestation for ${subject.filename} failed: ${describeSigningError(error)}\n` +
            'Nothing was uploaded. Retry the job; if it keeps failing, check https://status.sigstore.dev ' +
            'or publish without attestations (`attestations: false`).', { cause: error });
    }
    return bundleToAttestation(bundleToJSON(bundle));
}
/**
 * A Sigstore bundle (DSSE, one signature, one tlog entry; as JSON) in PyPI's shape: the leaf certificate,
 * the Rekor entry, and the envelope's payload and signature. The statement keeps the exact bytes
 * that were signed.
 */
function bundleToAttestation(json) {
    const material = json.verificationMaterial;
    const certificate = material?.certificate?.rawBytes ?? material?.x509CertificateChain?.certificates[0]?.rawBytes;
    const envelope = json.dsseEnvelope;
    if (!certificate)
        throw new AttestationError('the Sigstore bundle has no signing certificate');
    if (!envelope)
        throw new AttestationError('the Sigstore bundle holds no DSSE envelope');
    if (envelope.signatures.length !== 1) {
        throw new AttestationError(`the DSSE envelope has ${envelope.signatures.length} signatures; exactly one is expected`);
    }
    const entry = material?.tlogEntries[0];
    if (!entry)
        throw new AttestationError('the Sigstore bundle has no transparency log entry');
    return {
        version: 1,
        verification_material: {
            certificate,
            transparency_entries: [withoutUndefined(entry)]
        },
        envelope: { statement: envelope.payload, signature: envelope.signatures[0].sig }
    };
}
/** JSON-ready copy (absent optional protobuf fields are `undefined` in the serialized bundle). */
function withoutUndefined(value) {
    return JSON.parse(JSON.stringify(value));
}
/** @sigstore/sign wraps HTTP failures in InternalError; the useful words are in the causes. */
function describeSigningError(error) {
    const parts = [];
    let current = error;
    for (let depth = 0; current && depth < 4; depth++) {
        const text = current instanceof Error ? current.message : String(current);
        if (text && !parts.includes(text))
            parts.push(text);
        current = current instanceof Error ? current.cause : undefined;
    }
    return parts.join(': ') || 'unknown error';
}

;// CONCATENATED MODULE: ./src/attest/files.ts




/** The suffix other tools (pypi-attestations, the official action) give a publish attestation. */
const ATTESTATION_SUFFIX = '.publish.attestation';
/**
 * Reads `<dist>.publish.attestation` beside a distribution, made by another tool, so it can be
 * sent with the file. undefined when there is none. A file that is there but malformed, or that
 * attests another file (e.g. left over from an earlier build), throws: sending it would make the
 * index refuse the upload, and silently dropping it would publish without the attestation the
 * user prepared.
 */
async function findExistingAttestation(distPath, sha256) {
    const file = `${distPath}${ATTESTATION_SUFFIX}`;
    let text;
    try {
        text = await (0,promises_.readFile)(file, 'utf8');
    }
    catch (error) {
        if (error.code === 'ENOENT')
            return undefined;
        throw new AttestationError(`Cannot read ${file}: ${error.message}`, { cause: error });
    }
    let value;
    try {
        value = JSON.parse(text);
    }
    catch {
        throw new AttestationError(`${file} is not JSON, so it is not an attestation. Remove it or remake it.`);
    }
    const problems = attestationProblems(value, { filename: external_node_path_default().basename(distPath), sha256 });
    if (problems.length > 0) {
        throw new AttestationError(`${file} is not a usable publish attestation for ${external_node_path_default().basename(distPath)}:\n` +
            problems.map(p => `  - ${p}`).join('\n') +
            '\nRemove it, or remake it for this file.');
    }
    return value;
}
/**
 * Writes an attestation as `<filename>.publish.attestation` into `dir`, which must NOT be the
 * packages directory: a second publish in the same job (TestPyPI, then PyPI) would find the file
 * and send it again beside a fresh one (the official action's #283/#319). Returns the path.
 */
async function writeAttestation(dir, filename, attestation) {
    await (0,promises_.mkdir)(dir, { recursive: true });
    const file = external_node_path_default().join(dir, `${filename}${ATTESTATION_SUFFIX}`);
    await (0,promises_.writeFile)(file, `${JSON.stringify(attestation)}\n`, 'utf8');
    return file;
}
/**
 * What is wrong with `value` as a publish attestation for `subject` ([] when nothing): the shape
 * PyPI checks, and a statement naming exactly this file and digest with the publish predicate.
 * The signature is not verified here; the index does that.
 */
function attestationProblems(value, subject) {
    const problems = [];
    if (!isObject(value))
        return ['it is not a JSON object'];
    if (value.version !== 1)
        problems.push(`"version" is ${JSON.stringify(value.version)}, not 1`);
    const material = value.verification_material;
    if (!isObject(material)) {
        problems.push('"verification_material" is missing');
    }
    else {
        if (!isBase64(material.certificate)) {
            problems.push('"verification_material.certificate" is not base64 (DER certificate)');
        }
        const entries = material.transparency_entries;
        if (!Array.isArray(entries) || entries.length === 0 || !entries.every(isObject)) {
            problems.push('"verification_material.transparency_entries" is not a non-empty list of objects');
        }
    }
    const envelope = value.envelope;
    if (!isObject(envelope)) {
        problems.push('"envelope" is missing');
        return problems;
    }
    if (!isBase64(envelope.signature))
        problems.push('"envelope.signature" is not base64');
    if (!isBase64(envelope.statement)) {
        problems.push('"envelope.statement" is not base64');
        return problems;
    }
    let statement;
    try {
        statement = JSON.parse(Buffer.from(envelope.statement, 'base64').toString('utf8'));
    }
    catch {
        problems.push('the statement is not JSON');
        return problems;
    }
    if (!isObject(statement))
        return [...problems, 'the statement is not a JSON object'];
    if (statement._type !== STATEMENT_TYPE) {
        problems.push(`the statement's _type is ${JSON.stringify(statement._type)}, not ${STATEMENT_TYPE}`);
    }
    if (statement.predicateType !== PUBLISH_PREDICATE_TYPE) {
        problems.push(`the predicate type is ${JSON.stringify(statement.predicateType)}, not ${PUBLISH_PREDICATE_TYPE}`);
    }
    const subjects = statement.subject;
    if (!Array.isArray(subjects) || subjects.length !== 1) {
        problems.push('the statement must have exactly one subject');
        return problems;
    }
    const only = subjects[0];
    const name = isObject(only) ? only.name : undefined;
    const digest = isObject(only) && isObject(only.digest) ? only.digest.sha256 : undefined;
    if (name !== subject.filename) {
        problems.push(`it attests ${JSON.stringify(name)}, not ${subject.filename}`);
    }
    if (typeof digest !== 'string' || digest.toLowerCase() !== subject.sha256.toLowerCase()) {
        problems.push(`it attests sha256 ${String(digest)}, but the file's is ${subject.sha256} ` +
            '(the file was rebuilt after the attestation was made?)');
    }
    return problems;
}
function isObject(value) {
    return typeof value === 'object' && value !== null && !Array.isArray(value);
}
function isBase64(value) {
    return typeof value === 'string' && value.length > 0 && /^[A-Za-z0-9+/]+={0,2}$/.test(value);
}

;// CONCATENATED MODULE: ./src/attest/prepare.ts



/**
 * Every attestation of the run, made before the first upload so that a signing failure stops
 * the run with nothing published. A `<dist>.publish.attestation` made by another tool is sent
 * instead of signing a new one (two of the same predicate type would be refused). Returns them
 * by filename; a distribution without an entry is uploaded without the field.
 */
async function prepareAttestations(dists, options) {
    const { log } = options;
    const prepared = new Map();
    if (!options.decision.sign) {
        if ('warning' in options.decision && options.decision.warning) {
            log.warning(options.decision.warning);
        }
        return prepared;
    }
    let outputDir;
    const output = () => {
        const dir = options.outputDir;
        return (outputDir ??= typeof dir === 'string' ? Promise.resolve(dir) : dir());
    };
    for (const dist of dists) {
        const found = await findExistingAttestation(dist.path, dist.digests.sha256);
        if (found) {
            const file = `${dist.path}${ATTESTATION_SUFFIX}`;
            log.info(`${dist.filename}: sending the attestation found beside it (${external_node_path_default().basename(file)})`);
            prepared.set(dist.filename, {
                filename: dist.filename,
                attestations: [found],
                path: file,
                origin: 'found'
            });
            continue;
        }
        const attestation = await createAttestation({ filename: dist.filename, sha256: dist.digests.sha256 }, options.signer);
        const file = await writeAttestation(await output(), dist.filename, attestation);
        log.info(`${dist.filename}: signed a publish attestation (${file})`);
        prepared.set(dist.filename, {
            filename: dist.filename,
            attestations: [attestation],
            path: file,
            origin: 'signed'
        });
    }
    return prepared;
}
/** The upload form field for a distribution's attestations. */
function attestationsField(prepared) {
    return ['attestations', JSON.stringify(prepared.attestations)];
}

;// CONCATENATED MODULE: ./src/shared/backoff.ts
const DEFAULT_RETRY_POLICY = {
    retries: 5,
    maxTotalMs: 10 * 60_000,
    baseDelayMs: 1000,
    maxDelayMs: 60_000
};
/**
 * The wait before retry number `retry` (1-based): exponential backoff with full jitter, so that
 * parallel uploads that failed together do not come back together; a Retry-After wins when
 * given (bounded by maxDelayMs). `random` is injectable for tests.
 */
function backoffDelay(retry, policy, retryAfterMs, random = Math.random) {
    if (retryAfterMs !== undefined)
        return Math.min(retryAfterMs, policy.maxDelayMs);
    const ceiling = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** (retry - 1));
    // Half fixed, half random: never a zero wait (twine's failing pattern), still spread out.
    return Math.round(ceiling / 2 + random() * (ceiling / 2));
}
function backoff_sleep(ms) {
    return new Promise(resolve => setTimeout(resolve, ms));
}
/** Seconds for a log line: `1.5 s`. */
function formatDelay(ms) {
    return `${(ms / 1000).toFixed(1)} s`;
}
/** Retry-After: delta-seconds or an HTTP date. */
function retryAfterMs(response, now = Date.now()) {
    const value = response.headers['retry-after'];
    if (typeof value !== 'string' || !value.trim())
        return undefined;
    if (/^\d+$/.test(value.trim()))
        return Number(value.trim()) * 1000;
    const date = Date.parse(value);
    return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}

;// CONCATENATED MODULE: ./src/auth/explain.ts
/**
 * The explanations for a job that cannot get a GitHub ID token. Shared by the up-front credential
 * check and by the ID-token fetcher, which can fail the same way later (e.g. the runner refused).
 */
const TRUSTED_PUBLISHING_DOCS = 'https://docs.pypi.org/trusted-publishers/';
const TROUBLESHOOTING_URL = 'https://docs.pypi.org/trusted-publishers/troubleshooting/';
const PERMISSIONS_SNIPPET = ['permissions:', '  id-token: write'].join('\n');
/** Why there is no ID token, and the two ways out (or, for a fork's pull request, what to do). */
function noIdTokenMessage(run, cause) {
    const what = cause
        ? `Trusted publishing needs a GitHub ID token, and getting one failed: ${cause}`
        : 'Trusted publishing needs a GitHub ID token, and this job has no access to one' +
            (run.idToken.why ? ` (${run.idToken.why}).` : '.');
    if (run.forkPullRequest) {
        return [
            what,
            '',
            'This run was triggered by a pull request from a fork. GitHub gives such runs neither ID ' +
                "tokens nor secrets, even with 'id-token: write', so they cannot publish.",
            'Publish from an event a fork cannot trigger instead: a pushed tag, a published release, or ' +
                'workflow_dispatch — and skip the publish step on pull requests.'
        ].join('\n');
    }
    return [
        what,
        'No token was given either (no `password`/`token` input), so there is ' +
            'nothing to authenticate with. Two ways out:',
        '',
        '1. Trusted publishing (recommended): give the publishing job permission to request an ID ' +
            'token, and register this workflow as a trusted publisher on the index:',
        '',
        indent(PERMISSIONS_SNIPPET, 4),
        '',
        `   ${TRUSTED_PUBLISHING_DOCS}`,
        '',
        '2. An API token: store it as a repository secret and pass it, e.g.',
        '',
        indent('password: ${{ secrets.PYPI_API_TOKEN }}', 4),
        '',
        '   If you already pass a secret: an empty secret looks exactly like none. A typo in the ' +
            "secret's name, or a secret defined in another environment or repository, reads as an " +
            'empty string.'
    ].join('\n');
}
function indent(text, spaces) {
    const pad = ' '.repeat(spaces);
    return text
        .split('\n')
        .map(line => pad + line)
        .join('\n');
}

;// CONCATENATED MODULE: ./src/shared/http-body.ts

/** An answer larger than its cap: reading stopped there, and the connection was closed. */
class AnswerTooLargeError extends Error {
    cap;
    status;
    /** The URL without credentials, query or fragment. */
    url;
    constructor(url, cap, 
    /** The status the answer came with. */
    status) {
        const shown = urlForMessages(url);
        super(`${capitalize(cap.what)} from ${shown} (HTTP ${status}) is larger than ${formatSize(cap.bytes)}, ` +
            `the most this action reads for it; it stopped reading there. ${cap.advice}`);
        this.cap = cap;
        this.status = status;
        this.name = 'AnswerTooLargeError';
        this.url = shown;
    }
}
/**
 * The whole body of `message`, at most `cap.bytes` of it: an announced Content-Length over the cap
 * fails before reading, and a body that grows past it fails as soon as it does (the connection is
 * destroyed, so no more arrives). Failures of the stream reject; time limits are the caller's.
 */
function readCappedBody(message, url, cap) {
    return new Promise((resolve, reject) => {
        const tooLarge = () => {
            const error = new AnswerTooLargeError(url, cap, message.statusCode ?? 0);
            message.destroy(error);
            reject(error);
        };
        const announced = Number(message.headers['content-length']);
        if (Number.isFinite(announced) && announced > cap.bytes)
            return tooLarge();
        const chunks = [];
        let size = 0;
        message.on('data', (chunk) => {
            size += chunk.length;
            if (size > cap.bytes)
                return tooLarge();
            chunks.push(chunk);
        });
        message.once('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
        message.once('error', reject);
        message.once('close', () => {
            if (!message.complete)
                reject(new Error('the connection closed before the answer was complete'));
        });
    });
}
/** A URL fit for a message: no user or password, and no query string (indexes put tokens there too). */
function urlForMessages(url) {
    try {
        const parsed = new URL(url);
        parsed.username = '';
        parsed.password = '';
        const hadQuery = parsed.search !== '';
        parsed.search = '';
        parsed.hash = '';
        return parsed.toString() + (hadQuery ? '?…' : '');
    }
    catch {
        return '(an invalid URL)';
    }
}
function capitalize(text) {
    return text.charAt(0).toUpperCase() + text.slice(1);
}

;// CONCATENATED MODULE: external "node:http"
const external_node_http_namespaceObject = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:http");
// EXTERNAL MODULE: external "node:stream"
var external_node_stream_ = __nccwpck_require__(7075);
;// CONCATENATED MODULE: ./node_modules/@actions/http-client/lib/proxy.js
function getProxyUrl(reqUrl) {
    const usingSsl = reqUrl.protocol === 'https:';
    if (checkBypass(reqUrl)) {
        return undefined;
    }
    const proxyVar = (() => {
        if (usingSsl) {
            return process.env['https_proxy'] || process.env['HTTPS_PROXY'];
        }
        else {
            return process.env['http_proxy'] || process.env['HTTP_PROXY'];
        }
    })();
    if (proxyVar) {
        try {
            return new DecodedURL(proxyVar);
        }
        catch (_a) {
            if (!proxyVar.startsWith('http://') && !proxyVar.startsWith('https://'))
                return new DecodedURL(`http://${proxyVar}`);
        }
    }
    else {
        return undefined;
    }
}
function checkBypass(reqUrl) {
    if (!reqUrl.hostname) {
        return false;
    }
    const reqHost = reqUrl.hostname;
    if (isLoopbackAddress(reqHost)) {
        return true;
    }
    const noProxy = process.env['no_proxy'] || process.env['NO_PROXY'] || '';
    if (!noProxy) {
        return false;
    }
    // Determine the request port
    let reqPort;
    if (reqUrl.port) {
        reqPort = Number(reqUrl.port);
    }
    else if (reqUrl.protocol === 'http:') {
        reqPort = 80;
    }
    else if (reqUrl.protocol === 'https:') {
        reqPort = 443;
    }
    // Format the request hostname and hostname with port
    const upperReqHosts = [reqUrl.hostname.toUpperCase()];
    if (typeof reqPort === 'number') {
        upperReqHosts.push(`${upperReqHosts[0]}:${reqPort}`);
    }
    // Compare request host against noproxy
    for (const upperNoProxyItem of noProxy
        .split(',')
        .map(x => x.trim().toUpperCase())
        .filter(x => x)) {
        if (upperNoProxyItem === '*' ||
            upperReqHosts.some(x => x === upperNoProxyItem ||
                x.endsWith(`.${upperNoProxyItem}`) ||
                (upperNoProxyItem.startsWith('.') &&
                    x.endsWith(`${upperNoProxyItem}`)))) {
            return true;
        }
    }
    return false;
}
function isLoopbackAddress(host) {
    const hostLower = host.toLowerCase();
    return (hostLower === 'localhost' ||
        hostLower.startsWith('127.') ||
        hostLower.startsWith('[::1]') ||
        hostLower.startsWith('[0:0:0:0:0:0:0:1]'));
}
class DecodedURL extends URL {
    constructor(url, base) {
        super(url, base);
        this._decodedUsername = decodeURIComponent(super.username);
        this._decodedPassword = decodeURIComponent(super.password);
    }
    get username() {
        return this._decodedUsername;
    }
    get password() {
        return this._decodedPassword;
    }
}
//# sourceMappingURL=proxy.js.map
;// CONCATENATED MODULE: ./src/shared/proxy.ts

/**
 * The proxy a request to `url` goes through, by the rules every Actions toolkit client follows
 * (https_proxy/HTTPS_PROXY or http_proxy/HTTP_PROXY by the target's scheme, lower case first;
 * NO_PROXY; loopback never proxied). Only @actions/http-client's proxy module is used: its client
 * loads undici eagerly, which costs every run ~40 ms of start-up for a dispatcher we never use.
 * Username and password come back decoded.
 */
function proxyUrlFor(url) {
    const proxy = getProxyUrl(typeof url === 'string' ? new URL(url) : url);
    return proxy?.hostname ? proxy : undefined;
}

;// CONCATENATED MODULE: ./src/shared/network-errors.ts

/** Failures before any connection to the index (or to the proxy) exists. */
const CONNECT_CODES = new Set(['ECONNREFUSED', 'ECONNECTTIMEOUT', 'ENOTFOUND', 'EAI_AGAIN']);
/** What Node reports for a TLS certificate the runner does not trust. */
const CERTIFICATE_CODES = new Set([
    'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
    'UNABLE_TO_GET_ISSUER_CERT',
    'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
    'SELF_SIGNED_CERT_IN_CHAIN',
    'DEPTH_ZERO_SELF_SIGNED_CERT',
    'CERT_HAS_EXPIRED',
    'CERT_NOT_YET_VALID',
    'CERT_UNTRUSTED',
    'CERT_REVOKED',
    'ERR_TLS_CERT_ALTNAME_INVALID',
    'HOSTNAME_MISMATCH'
]);
const TUNNEL_STATUS = /^tunneling socket could not be established, statusCode=(\d+)/;
const TUNNEL_CAUSE = /^tunneling socket could not be established, cause=(.*)$/s;
function describeNetworkFailure(url, cause, variables = {}) {
    const error = (cause ?? {});
    const code = typeof error.code === 'string' ? error.code : undefined;
    const detail = cause instanceof Error ? cause.message : String(cause);
    const proxy = proxyFor(url, variables);
    const host = new URL(url).hostname;
    if (proxy) {
        const viaProxy = describeProxyFailure(proxy, code, detail);
        if (viaProxy)
            return viaProxy;
    }
    const failure = (text, options = {}) => ({
        text,
        code: options.code ?? code,
        unsent: options.unsent ?? false,
        final: options.final ?? false
    });
    if (code?.startsWith('HPE_')) {
        return failure('the index sent a malformed HTTP response (is something other than an HTTP server ' +
            'listening there, or should the URL start with https:// instead of http://?)');
    }
    if (code && CERTIFICATE_CODES.has(code)) {
        return failure(`the TLS certificate of ${host} is not trusted (${certificateReason(code)}). If a company ` +
            'proxy or a private CA signs it, point NODE_EXTRA_CA_CERTS at that CA certificate (PEM) ' +
            'in the job environment.', { unsent: true, final: true });
    }
    switch (code) {
        case 'ECONNREFUSED':
            return failure(`the index refused the connection (nothing listens on ${new URL(url).host}; is the URL right, and is the index running?)`, { unsent: true });
        case 'ENOTFOUND':
            return failure(`the host name ${host} could not be resolved (check the URL for typos)`, {
                unsent: true
            });
        case 'EAI_AGAIN':
            return failure(`the host name ${host} could not be resolved right now (a temporary DNS failure on the runner)`, { unsent: true });
        case 'ECONNECTTIMEOUT':
            return failure(`${detail} (is ${host} reachable from this runner?)`, { unsent: true });
        case 'EDEADLINE':
            // The request's own deadline (see Http): its message says which limit and how long.
            return failure(detail);
        case 'ECONNRESET':
        case 'EPIPE':
            return failure('the index closed the connection unexpectedly (connection reset)');
        case 'ETIMEDOUT':
            // Ours name the inactivity timeout and its length; the system's are about connecting.
            return detail.startsWith('no data')
                ? failure(`${detail} (inactivity timeout)`)
                : failure(`the connection to ${host} timed out`);
        case 'EPROTO':
        case 'ERR_SSL_WRONG_VERSION_NUMBER':
            return failure(`the TLS handshake with ${host} failed: the server does not speak TLS on that port ` +
                '(should the URL start with http:// instead of https://?)', { unsent: true, final: true });
        default:
            return /timeout/i.test(detail)
                ? failure('no data within the timeout', { code: code ?? 'ETIMEDOUT' })
                : failure(detail);
    }
}
/**
 * The proxy the client uses for this URL, and the variable it came from (as the entry
 * found it; the upper-case spelling when the entry named none).
 */
function proxyFor(url, variables = {}) {
    const proxy = proxyUrlFor(url)?.href;
    if (!proxy)
        return undefined;
    const https = new URL(url).protocol === 'https:';
    const variable = (https ? variables.https : variables.http) ?? (https ? 'HTTPS_PROXY' : 'HTTP_PROXY');
    return { url: withoutCredentials(proxy), variable };
}
function describeProxyFailure(proxy, code, detail) {
    const named = `the proxy ${proxy.url} (from ${proxy.variable})`;
    const status = TUNNEL_STATUS.exec(detail);
    if (status) {
        const answer = Number(status[1]);
        if (answer === 407) {
            return {
                text: `${named} refused the connection: it wants proxy credentials (HTTP 407). Put them ` +
                    `in ${proxy.variable} as http://user:password@host:port, from a secret.`,
                code: 'EPROXY',
                unsent: true,
                final: true
            };
        }
        return {
            text: `${named} could not open a connection to the index (it answered HTTP ${answer} to ` +
                'CONNECT): the proxy may not reach the index host, or may not allow it. If the index ' +
                'should be reached directly, add its host to NO_PROXY.',
            code: 'EPROXY',
            unsent: true,
            final: answer >= 400 && answer < 500
        };
    }
    const tunnelCause = TUNNEL_CAUSE.exec(detail);
    const causeCode = tunnelCause ? /\b(E[A-Z_]+)\b/.exec(tunnelCause[1])?.[1] : code;
    // Every connection goes to the proxy first, so a connect-phase failure is the proxy's.
    if (tunnelCause || (causeCode && CONNECT_CODES.has(causeCode))) {
        const why = causeCode === 'ECONNREFUSED'
            ? 'the connection was refused'
            : causeCode === 'ENOTFOUND' || causeCode === 'EAI_AGAIN'
                ? 'its host name could not be resolved'
                : causeCode === 'ECONNECTTIMEOUT' || causeCode === 'ETIMEDOUT'
                    ? 'connecting timed out'
                    : 'the connection failed';
        return {
            text: `could not reach ${named}: ${why}. Check ${proxy.variable} (and NO_PROXY for hosts to reach directly).`,
            code: causeCode ?? code,
            unsent: true,
            final: false
        };
    }
    return undefined;
}
function certificateReason(code) {
    switch (code) {
        case 'SELF_SIGNED_CERT_IN_CHAIN':
        case 'DEPTH_ZERO_SELF_SIGNED_CERT':
            return 'self-signed certificate';
        case 'CERT_HAS_EXPIRED':
            return 'the certificate has expired';
        case 'CERT_NOT_YET_VALID':
            return 'the certificate is not valid yet: check the runner clock';
        case 'ERR_TLS_CERT_ALTNAME_INVALID':
        case 'HOSTNAME_MISMATCH':
            return 'the certificate is for another host name';
        default:
            return 'signed by an authority the runner does not know';
    }
}
/** A proxy URL as it can be shown: user and password removed. */
function withoutCredentials(url) {
    try {
        const parsed = new URL(url);
        parsed.username = '';
        parsed.password = '';
        return parsed.toString().replace(/\/$/, '');
    }
    catch {
        return '(unparseable proxy URL)';
    }
}

;// CONCATENATED MODULE: ./package.json
const package_namespaceObject = {"rE":"0.1.0"};
;// CONCATENATED MODULE: ./src/shared/version.ts

/** The action's own version, sent in the User-Agent. */
const ACTION_VERSION = package_namespaceObject.rE;
const USER_AGENT = `pypi-publish/${ACTION_VERSION} (node ${process.versions.node}; ${process.platform})`;

;// CONCATENATED MODULE: ./src/shared/http.ts







/**
 * The slowest upload rate that still counts as progress, in bytes per second: a request body may
 * take its size at this rate on top of the answer's deadline. 16 KiB/s is a 128 kbit/s link, so
 * any real link finishes long before; a server that reads a few bytes a second (which keeps the
 * inactivity timeout from ever firing) cannot hold a 100 MiB upload for more than ~2 hours.
 */
const SLOWEST_SEND_RATE = 16 * 1024;
/**
 * The one HTTP client of a run: uploads, simple-index reads and token exchanges share its
 * keep-alive connections, its User-Agent and its policy. Redirects are never followed here:
 * the caller decides, so credentials are never replayed to another host.
 *
 * Every request is bounded in size and time. Its answer is read up to the caller's cap. The
 * inactivity timeout (`timeout`) only measures gaps, so an index that trickles a byte a second
 * would keep a request alive for ever; each request therefore also has a deadline:
 *
 * - an upload's answer (headers and body) must arrive in full within twice `timeout` of its body
 *   having been handed over. Twice, so a silent index is still reported by the
 *   inactivity timeout, which says more, and a slow index gets a whole `timeout` for its answer on
 *   top of the time it may think in silence; answers are small (capped), so this is generous;
 * - the whole request (any request: a GET, a token request) must end within `connect-timeout` +
 *   twice `timeout` + the body's size at SLOWEST_SEND_RATE: an upload is never cut for being large
 *   on a slow link, only a server that reads it at a trickle is.
 */
class Http {
    connectTimeoutMs;
    timeoutMs;
    proxy;
    /** One keep-alive agent per way out (direct or through a proxy) and scheme, made on first use. */
    agents = new Map();
    constructor(options = {}) {
        this.connectTimeoutMs = options.connectTimeoutMs ?? 30_000;
        this.timeoutMs = options.timeoutMs ?? 120_000;
        this.proxy = options.proxy ?? {};
    }
    /**
     * The agent for `url`: through the proxy the runner's variables name for it (the rules every
     * Actions toolkit client follows, from @actions/http-client's proxy module: lower case first,
     * NO_PROXY, loopback never proxied), tunnelled with CONNECT as that client does; otherwise a
     * direct keep-alive agent. `node:https` and the tunnel are loaded only by a run that uses them.
     */
    agentFor(url) {
        const proxy = proxyUrlFor(url);
        const key = `${url.protocol}${proxy ? ` via ${proxy.href}` : ''}`;
        let agent = this.agents.get(key);
        if (!agent) {
            agent = proxy ? tunnelAgent(url, proxy) : this.directAgent(url);
            this.agents.set(key, agent);
        }
        return agent;
    }
    /**
     * A direct agent whose sockets get a connect deadline (a host that drops SYNs would otherwise
     * only fail after the long inactivity timeout).
     */
    async directAgent(url) {
        const tls = url.protocol === 'https:';
        const agent = tls
            ? new (await Promise.resolve(/* import() */).then(__nccwpck_require__.t.bind(__nccwpck_require__, 4708, 23))).Agent({ keepAlive: true })
            : new external_node_http_namespaceObject.Agent({ keepAlive: true });
        const create = agent.createConnection.bind(agent);
        const limit = this.connectTimeoutMs;
        Object.assign(agent, {
            createConnection: (options, callback) => {
                const socket = create(options, callback);
                const timer = setTimeout(() => {
                    const error = Object.assign(new Error(`could not connect within ${seconds(limit)} s`), {
                        code: 'ECONNECTTIMEOUT'
                    });
                    socket.destroy(error);
                }, limit);
                timer.unref();
                const clear = () => clearTimeout(timer);
                socket.once(tls ? 'secureConnect' : 'connect', clear);
                socket.once('close', clear);
                return socket;
            }
        });
        return agent;
    }
    async request(method, url, options) {
        const headers = {
            'user-agent': USER_AGENT,
            ...lowerCaseKeys(options.headers ?? {})
        };
        const body = options.body?.() ?? null;
        if (typeof body === 'string' || Buffer.isBuffer(body)) {
            headers['content-length'] = Buffer.byteLength(body);
        }
        const controller = new AbortController();
        const timers = [];
        let expired;
        let onExpired = () => undefined;
        const expire = (error) => {
            if (expired)
                return;
            expired = error;
            controller.abort(error);
            onExpired(error);
        };
        const after = (ms, error) => {
            timers.push(setTimeout(() => expire(error()), Math.max(0, ms)));
        };
        const answerMs = 2 * this.timeoutMs;
        const sendMs = (bodyBytes(headers) / SLOWEST_SEND_RATE) * 1000;
        const wholeMs = Math.round(this.connectTimeoutMs + answerMs + sendMs);
        after(wholeMs, () => deadlineError(wholeMs, 'the request', `connect-timeout and twice 'timeout'${sendMs >= 1 ? `, plus the body's size at ${formatSize(SLOWEST_SEND_RATE)}/s` : ''}`));
        const armAnswerDeadline = () => after(answerMs, () => deadlineError(answerMs, 'the answer to the sent request', "twice 'timeout'"));
        // An upload's body is handed over when its stream ends, or (a small file's body, one Buffer)
        // when the request has been written. Requests without a body or with a short text (a GET, a
        // token request) have the whole-request deadline only.
        if (body instanceof external_node_stream_.Readable)
            body.once('end', armAnswerDeadline);
        if (options.timeLimit) {
            const { ms, reason } = options.timeLimit;
            after(ms, () => Object.assign(new Error(`${reason} before the answer came`), { code: 'EDEADLINE' }));
        }
        const exchange = async () => {
            const target = new URL(url);
            const message = await this.send(method, target, headers, body, controller.signal, {
                onSent: options.onSent,
                onWritten: () => {
                    if (!Buffer.isBuffer(body))
                        return;
                    armAnswerDeadline();
                    options.onSent?.(body);
                }
            });
            return {
                status: message.statusCode ?? 0,
                statusText: message.statusMessage ?? '',
                headers: message.headers,
                body: await this.readAnswer(message, url, options.cap)
            };
        };
        const deadline = new Promise((_, reject) => (onExpired = reject));
        const work = exchange();
        work.catch(() => undefined); // lost the race to a deadline: already reported
        try {
            return await Promise.race([work, deadline]);
        }
        catch (error) {
            // A body left half-sent would keep its file open: nothing else ever reads it to the end.
            if (body instanceof external_node_stream_.Readable)
                body.destroy();
            if (expired)
                throw new NetworkError(url, expired, this.proxy);
            if (error instanceof AnswerTooLargeError)
                throw error;
            throw new NetworkError(url, error, this.proxy);
        }
        finally {
            for (const timer of timers)
                clearTimeout(timer);
        }
    }
    /**
     * Sends the request; resolves with the answer's head. The inactivity timeout covers the whole
     * exchange (no byte either way for `timeout`): the socket is destroyed, not half-closed, so a
     * stalled connection lets go of the file it streams from at once.
     */
    async send(method, url, headers, body, signal, hooks) {
        const agent = await this.agentFor(url);
        const https = url.protocol === 'https:';
        const request = (https ? (await Promise.resolve(/* import() */).then(__nccwpck_require__.t.bind(__nccwpck_require__, 4708, 23))).request : external_node_http_namespaceObject.request)(url, {
            method,
            headers,
            agent,
            signal
        });
        return new Promise((resolve, reject) => {
            request.once('response', resolve);
            request.on('error', reject);
            request.setTimeout(this.timeoutMs, () => request.destroy(inactivityError(this.timeoutMs)));
            request.once('finish', hooks.onWritten);
            if (body instanceof external_node_stream_.Readable)
                pipeBody(body, request, hooks.onSent);
            else
                request.end(body ?? undefined);
        });
    }
    /**
     * The capped body: every failure rejects (a server that sends its headers and then stalls, or a
     * connection cut mid-body), and silence longer than the inactivity timeout is a failure.
     */
    async readAnswer(message, url, cap) {
        const socket = message.socket;
        let timer;
        const arm = () => {
            clearTimeout(timer);
            timer = setTimeout(() => message.destroy(inactivityError(this.timeoutMs)), this.timeoutMs);
        };
        arm();
        message.on('data', arm);
        try {
            return await readCappedBody(message, url, cap);
        }
        catch (error) {
            if (error instanceof AnswerTooLargeError)
                throw error;
            // A socket destroyed by its inactivity timeout surfaces here as a bare "aborted".
            throw socket?.errored ?? error;
        }
        finally {
            clearTimeout(timer);
        }
    }
    async get(url, cap, headers = {}, timeLimit) {
        return this.request('GET', url, { headers, cap, timeLimit });
    }
    /**
     * Closes keep-alive sockets so nothing holds the process open. (A tunnel agent keeps none: it
     * closes each tunnel when its request ends.)
     */
    dispose() {
        for (const agent of this.agents.values()) {
            void agent.then(a => a.destroy?.(), () => undefined);
        }
        this.agents.clear();
    }
}
/** The proxy agent for `url` through `proxy`: a CONNECT tunnel, whatever the target's scheme. */
async function tunnelAgent(url, proxy) {
    const tunnel = await __nccwpck_require__.e(/* import() */ 770).then(__nccwpck_require__.t.bind(__nccwpck_require__, 770, 19));
    const make = url.protocol === 'https:'
        ? proxy.protocol === 'https:'
            ? tunnel.httpsOverHttps
            : tunnel.httpsOverHttp
        : proxy.protocol === 'https:'
            ? tunnel.httpOverHttps
            : tunnel.httpOverHttp;
    return make({
        maxSockets: Infinity,
        proxy: {
            host: proxy.hostname,
            port: Number(proxy.port) || (proxy.protocol === 'https:' ? 443 : 80),
            ...(proxy.username || proxy.password
                ? { proxyAuth: `${proxy.username}:${proxy.password}` }
                : {})
        }
    });
}
function lowerCaseKeys(headers) {
    return Object.fromEntries(Object.entries(headers).map(([k, v]) => [k.toLowerCase(), v]));
}
/**
 * Streams `body` into the request. Each chunk is handed to the request, and `onSent` is told of it
 * when the request's write callback says the socket has it, so the body can read into the same
 * memory again. A body that fails destroys the request (the error reaches the caller through it);
 * the request ends when the body does.
 */
function pipeBody(body, request, onSent) {
    const writer = new external_node_stream_.Writable({
        write(chunk, _encoding, done) {
            const sent = onSent ? () => onSent(chunk) : undefined;
            if (request.write(chunk, sent))
                done();
            else
                request.once('drain', () => done());
        },
        final(done) {
            request.end();
            done();
        },
        destroy(error, done) {
            if (error)
                request.destroy(error);
            done(error);
        }
    });
    writer.on('error', () => undefined);
    body.on('error', error => writer.destroy(error));
    body.pipe(writer);
}
/** The size of a request body, from its Content-Length (0 when there is none). */
function bodyBytes(headers) {
    return Number(headers['content-length']) || 0;
}
function deadlineError(ms, what, basis) {
    return Object.assign(new Error(`${what} did not complete within ${seconds(ms)} s (${basis}), although data kept moving: ` +
        "the index sends or reads too slowly. Raise 'timeout' if it is only slow."), { code: 'EDEADLINE' });
}
function inactivityError(timeoutMs) {
    return Object.assign(new Error(`no data sent or received for ${seconds(timeoutMs)} s`), {
        code: 'ETIMEDOUT'
    });
}
function seconds(ms) {
    return String(Math.round(ms / 100) / 10);
}
/** No (complete) HTTP answer: refused, reset, DNS, TLS, a proxy, the inactivity timeout or a deadline. */
class NetworkError extends Error {
    url;
    code;
    /** No byte of the request can have reached the index. */
    unsent;
    /** Retrying cannot help (an untrusted certificate, a proxy wanting credentials). */
    final;
    constructor(url, cause, proxy = {}) {
        const failure = describeNetworkFailure(url, cause, proxy);
        super(`No answer from ${new URL(url).origin}: ${failure.text}`);
        this.url = url;
        this.name = 'NetworkError';
        this.code = failure.code;
        this.unsent = failure.unsent;
        this.final = failure.final;
    }
}
function basicAuth(user, password) {
    return `Basic ${Buffer.from(`${user}:${password}`, 'utf8').toString('base64')}`;
}

;// CONCATENATED MODULE: ./src/shared/retrying.ts

/**
 * Runs `attempt` until it succeeds, a failure is not transient, the retries are spent or the next
 * retry would start past `policy.maxTotalMs`; then the last failure is thrown as it was. For
 * requests that are safe to repeat as they are (the upload has its own loop, which first asks the
 * index whether a lost answer stored the file).
 */
async function withRetries(attempt, options) {
    const now = options.now ?? Date.now;
    const sleep = options.sleep ?? backoff_sleep;
    const startedAt = now();
    for (let retry = 1;; retry++) {
        try {
            return await attempt();
        }
        catch (error) {
            const transience = options.transient(error);
            if (!transience || retry > options.policy.retries)
                throw error;
            const delay = backoffDelay(retry, options.policy, transience.retryAfterMs);
            if (now() - startedAt + delay > options.policy.maxTotalMs)
                throw error;
            options.onRetry(error, retry, delay);
            await sleep(delay);
        }
    }
}
/** "retry 1 of 5 in 1.2 s", for the retry lines of every caller. */
function retryNote(retry, policy, delayMs) {
    return `retry ${retry} of ${policy.retries} in ${formatDelay(delayMs)}`;
}

;// CONCATENATED MODULE: ./src/auth/github-context.ts
/**
 * The workflow a run belongs to, as trusted publishing names it: taken apart from
 * RunContext.workflowRef or from the ID token's `job_workflow_ref` claim.
 */
function parseWorkflowRef(value) {
    if (!value)
        return undefined;
    const at = value.indexOf('@');
    const location = at >= 0 ? value.slice(0, at) : value;
    const ref = at >= 0 ? value.slice(at + 1) : '';
    const [owner, repo, ...rest] = location.split('/');
    if (!owner || !repo || rest.length === 0)
        return undefined;
    const path = rest.join('/');
    return {
        owner,
        repo,
        repository: `${owner}/${repo}`,
        path,
        filename: rest[rest.length - 1],
        ref
    };
}

;// CONCATENATED MODULE: ./src/auth/claims.ts


/** The claims PyPI's GitHub publisher looks at, in the order we show them. */
const DEBUG_CLAIMS = [
    'sub',
    'repository',
    'repository_owner',
    'repository_owner_id',
    'workflow_ref',
    'job_workflow_ref',
    'ref',
    'environment'
];
/** The JWT's payload, or undefined when it is not a well-formed JWT. */
function decodeClaims(jwt) {
    const parts = jwt.split('.');
    if (parts.length !== 3)
        return undefined;
    try {
        const payload = JSON.parse(Buffer.from(parts[1], 'base64url').toString('utf8'));
        return payload && typeof payload === 'object' && !Array.isArray(payload)
            ? payload
            : undefined;
    }
    catch {
        return undefined;
    }
}
/** The claims as a list for an error message, marked as unverified and for debugging only. */
function renderClaims(claims) {
    if (!claims) {
        return 'The ID token could not be decoded, so its claims cannot be shown.';
    }
    const lines = [
        'Claims of the ID token, decoded WITHOUT verification, for debugging only. Do not configure a ' +
            'trusted publisher from them unless they already match what you expect:'
    ];
    for (const name of DEBUG_CLAIMS) {
        const value = claims[name];
        lines.push(`  ${name}: ${value === undefined || value === '' ? 'MISSING' : String(value)}`);
    }
    lines.push(`See ${TROUBLESHOOTING_URL}`);
    return lines.join('\n');
}
/**
 * When the job runs a reusable workflow, `job_workflow_ref` names a different file than
 * `workflow_ref` (the caller). PyPI (Warehouse's GitHub publisher) looks the publisher up by the
 * `repository` claim and the workflow filename taken from `job_workflow_ref`, then requires
 * `job_workflow_ref` to be exactly `<repository>/.github/workflows/<filename>@<ref or sha>` of
 * the run. So the publisher must name the reusable workflow's file; that file must live in the
 * repository that runs the job; and it must run at the run's own ref or commit. undefined when
 * the job runs its own workflow.
 */
function reusableWorkflowHint(claims) {
    if (!claims)
        return undefined;
    const caller = parseWorkflowRef(stringClaim(claims, 'workflow_ref'));
    const job = parseWorkflowRef(stringClaim(claims, 'job_workflow_ref'));
    if (!caller || !job)
        return undefined;
    if (caller.repository.toLowerCase() === job.repository.toLowerCase() &&
        caller.path === job.path) {
        return undefined;
    }
    const repository = stringClaim(claims, 'repository') || caller.repository;
    const ref = stringClaim(claims, 'ref');
    const sha = stringClaim(claims, 'sha');
    const runsAt = [ref, sha].filter(Boolean).join(' or ') || 'the ref being run';
    const rule = 'PyPI takes the workflow filename from job_workflow_ref (the workflow that runs this job, ' +
        `here the reusable one) and requires job_workflow_ref to be ` +
        `'${repository}/.github/workflows/<that file>@<${ref ? 'ref' : 'sha'}>' of this run: a ` +
        `workflow of the repository the run belongs to (${repository}), at ${runsAt}.`;
    const called = `This job runs a reusable workflow: ${job.path} of ${job.repository} (called from ` +
        `${caller.path} of ${caller.repository}).`;
    if (job.repository.toLowerCase() !== repository.toLowerCase()) {
        return (`${called} ${rule} A reusable workflow from another repository therefore cannot publish ` +
            `to PyPI with trusted publishing, whatever the publisher names. Publish from ${repository} ` +
            `itself: run this action in a job of ${caller.filename} (the shared workflow can still ` +
            `build and upload the files as an artifact), or keep the reusable workflow in ` +
            `${repository}/.github/workflows/ and call it as \`uses: ./.github/workflows/${job.filename}\`.`);
    }
    const lines = [
        `${called} ${rule} So the trusted publisher must name the workflow file '${job.filename}', ` +
            `not '${caller.filename}'.`
    ];
    if (job.ref && job.ref !== ref && job.ref !== sha) {
        lines.push(`It is also called at '${job.ref}', not at ${runsAt}, which PyPI refuses: call it as ` +
            `\`uses: ./.github/workflows/${job.filename}\` so that it runs at the same commit.`);
    }
    return lines.join(' ');
}
function stringClaim(claims, name) {
    const value = claims[name];
    return typeof value === 'string' ? value : undefined;
}

;// CONCATENATED MODULE: ./src/auth/oidc.ts








/** PyPI's minted tokens live 15 minutes; used when the index does not say. */
const DEFAULT_TOKEN_LIFETIME_MS = 15 * 60 * 1000;
const BODY_EXCERPT = 500;
/**
 * The audience and mint answers are small JSON documents (a token is a few hundred bytes; a
 * refusal lists a few reasons); 64 KiB leaves room for a proxy's error page.
 */
const OIDC_ANSWER_CAP = {
    bytes: 64 * 1024,
    what: 'the trusted-publishing answer',
    advice: "Check that 'repository-url' is the index's upload URL; if the index is right, it is " +
        'misbehaving: wait a few minutes and try again, or use an API token.'
};
function oidcUrls(repositoryUrl) {
    const origin = new URL(repositoryUrl).origin;
    return { audience: `${origin}/_/oidc/audience`, mint: `${origin}/_/oidc/mint-token` };
}
/**
 * A function that mints a fresh token each time it is called (fresh ID token, fresh mint). The
 * audience is asked once: it does not change during a run.
 */
function createTokenMinter(options) {
    let audience;
    return async () => {
        audience ??= fetchAudience(options.http, options.repositoryUrl, options.retry);
        let aud;
        try {
            aud = await audience;
        }
        catch (error) {
            audience = undefined; // a later renewal may try again
            throw error;
        }
        // Each try gets a fresh ID token: when a mint's answer is lost, the index may have spent the
        // token's jti already and would refuse it as reused.
        return retrying('the token request', async () => {
            const idToken = await options.getIdToken(aud);
            options.onSecret(idToken);
            return mintToken(options.http, options.repositoryUrl, idToken, options);
        }, options.retry);
    };
}
/** Retries what the index may heal by itself, saying so on one info line per retry. */
function retrying(what, attempt, retry = {}) {
    const policy = retry.policy ?? DEFAULT_RETRY_POLICY;
    return withRetries(attempt, {
        policy,
        transient: error => (error instanceof TrustedPublishingError ? error.transient : undefined),
        onRetry: (error, n, delayMs) => retry.log?.info(`Trusted publishing: ${what} failed (${error.transient?.reason}); ` +
            retryNote(n, policy, delayMs)),
        sleep: retry.sleep
    });
}
/** 5xx and 429 may heal by waiting; other answers will not. */
function transientAnswer(response) {
    if (response.status !== 429 && (response.status < 500 || response.status > 599))
        return undefined;
    return {
        reason: `HTTP ${response.status}${response.statusText ? ` ${response.statusText}` : ''}`,
        retryAfterMs: retryAfterMs(response)
    };
}
/** No answer at all may heal too, unless retrying cannot help (an untrusted certificate…). */
function transientFailure(error) {
    if (error instanceof NetworkError && !error.final)
        return { reason: error.message };
    return undefined;
}
/** One exchange: audience, ID token, mint. */
async function exchangeToken(options) {
    return createTokenMinter(options)();
}
async function fetchAudience(http, repositoryUrl, retry) {
    return retrying('asking for the token audience', () => askAudience(http, repositoryUrl), retry);
}
async function askAudience(http, repositoryUrl) {
    const url = oidcUrls(repositoryUrl).audience;
    const host = new URL(repositoryUrl).host;
    let response;
    try {
        response = await http.get(url, OIDC_ANSWER_CAP, { Accept: 'application/json' });
    }
    catch (error) {
        throw new TrustedPublishingError(`Trusted publishing: ${failedRequest(url, error)}`, {
            cause: error,
            transient: transientFailure(error)
        });
    }
    if (response.status === 403 || response.status === 404) {
        throw new TrustedPublishingError(`This index does not support trusted publishing; use a token. (${host} answered HTTP ` +
            `${response.status} to GET ${url}${response.status === 403 ? ': trusted publishing is disabled there' : ''}.)\n` +
            "Pass an API token for this index as 'password' (or 'token'), e.g. " +
            '`password: ${{ secrets.INDEX_TOKEN }}`.');
    }
    if (response.status !== 200) {
        throw new TrustedPublishingError(`Trusted publishing: asking ${url} for the token audience failed: ${describeResponse(response)}\n` +
            'The index may be down or misconfigured; wait a few minutes and try again, or use an API token.', { transient: transientAnswer(response) });
    }
    const audience = parseJson(response.body)?.audience;
    if (typeof audience !== 'string' || audience === '') {
        throw new TrustedPublishingError(`Trusted publishing: ${url} answered 200 without an audience (expected {"audience": "…"}): ` +
            oidc_excerpt(response.body));
    }
    return audience;
}
/** Trades an ID token for an upload token; calls `onSecret` with it before returning. */
async function mintToken(http, repositoryUrl, idToken, options) {
    const url = oidcUrls(repositoryUrl).mint;
    const scrub = (text) => scrubJwts(text, idToken);
    let response;
    try {
        response = await http.request('POST', url, {
            headers: { 'Content-Type': 'application/json', Accept: 'application/json' },
            body: () => JSON.stringify({ token: idToken }),
            cap: OIDC_ANSWER_CAP
        });
    }
    catch (error) {
        throw new TrustedPublishingError(`Trusted publishing: ${scrub(failedRequest(url, error))}`, {
            cause: error,
            transient: transientFailure(error)
        });
    }
    // Scrubbed before anything is cut or quoted, so a truncated echo cannot slip through.
    response = { ...response, body: scrub(response.body) };
    const payload = parseJson(response.body);
    if (payload === undefined) {
        throw new TrustedPublishingError(`Token request to ${url} failed: the index answered ${describeResponse(response)}\n` +
            'That is not the JSON a trusted-publishing index sends: the index is probably down or ' +
            'misconfigured. Wait a few minutes and try again.', { transient: transientAnswer(response) });
    }
    if (response.status < 200 || response.status >= 300) {
        throw new TrustedPublishingError(scrub(refusalMessage(url, response, payload, idToken)), {
            transient: transientAnswer(response)
        });
    }
    const token = payload.token;
    if (typeof token !== 'string' || token === '') {
        throw new TrustedPublishingError(`Token request to ${url} answered HTTP ${response.status} without a token ` +
            `(expected {"success": true, "token": "…", "expires": …}). The index is probably ` +
            'misconfigured; wait a few minutes and try again.');
    }
    options.onSecret(token);
    const now = options.now ?? Date.now;
    return { token, expiresAt: expiryOf(payload.expires, response.headers.date, now()) };
}
/** The 422 (or other refusal): every code and description, the claims, and where to read more. */
function refusalMessage(url, response, payload, idToken) {
    const errors = Array.isArray(payload.errors) ? payload.errors : [];
    const reasons = errors.map(e => {
        const { code, description } = (e ?? {});
        return `  - ${String(code ?? 'unknown')}: ${String(description ?? '')}`;
    });
    const claims = decodeClaims(idToken);
    const lines = [
        `Trusted publishing failed: ${new URL(url).host} refused the token request (HTTP ` +
            `${response.status}${typeof payload.message === 'string' ? `, "${payload.message}"` : ''}).`
    ];
    if (reasons.length > 0) {
        lines.push('The index gave these reasons:', ...reasons);
    }
    else {
        lines.push(`The index gave no reasons: ${oidc_excerpt(response.body)}`);
    }
    lines.push('', 'This usually means the trusted publisher registered on the index does not match this ' +
        'workflow run: check the repository owner and name, the workflow file name and the ' +
        `environment (if you set one). ${TRUSTED_PUBLISHING_DOCS}`);
    const reusable = reusableWorkflowHint(claims);
    if (reusable)
        lines.push('', reusable);
    lines.push('', renderClaims(claims));
    if (!claims)
        lines.push(`See ${TROUBLESHOOTING_URL}`);
    return lines.join('\n');
}
/**
 * `expires` is the server's clock; ours may be off. With the response's Date header we turn it
 * into a lifetime and count from our own clock, so a skewed runner clock cannot make us use a
 * token the index already considers expired (or renew far too early).
 */
function expiryOf(expires, dateHeader, now) {
    if (typeof expires !== 'number' || !Number.isFinite(expires)) {
        return now + DEFAULT_TOKEN_LIFETIME_MS;
    }
    const serverNow = dateHeader ? Date.parse(dateHeader) : NaN;
    if (Number.isFinite(serverNow)) {
        const lifetime = expires * 1000 - serverNow;
        if (lifetime > 0 && lifetime <= 24 * 60 * 60 * 1000)
            return now + lifetime;
    }
    return expires * 1000;
}
function parseJson(body) {
    try {
        const value = JSON.parse(body);
        return value && typeof value === 'object' && !Array.isArray(value)
            ? value
            : undefined;
    }
    catch {
        return undefined;
    }
}
function describeResponse(response) {
    const status = `HTTP ${response.status}${response.statusText ? ` ${response.statusText}` : ''}`;
    const location = response.headers.location ? ` (redirect to ${response.headers.location})` : '';
    return `${status}${location}: ${oidc_excerpt(response.body)}`;
}
function oidc_excerpt(body) {
    const text = body.trim();
    if (text === '')
        return '(empty body)';
    return text.length > BODY_EXCERPT ? `${excerpt(text, BODY_EXCERPT)} (truncated)` : text;
}
/** An index might echo the ID token back; it must not reach a log. */
function scrubJwts(text, idToken) {
    return text
        .split(idToken)
        .join('***')
        .replace(/eyJ[A-Za-z0-9_-]+\.eyJ[A-Za-z0-9_-]*(\.[A-Za-z0-9_-]*)?/g, '***');
}
/** No usable answer: the client's error says why (and, for an oversized answer, what to do). */
function failedRequest(url, error) {
    if (error instanceof AnswerTooLargeError)
        return error.message;
    return `could not reach ${url}: ${errorText(error)}`;
}
function errorText(error) {
    return error instanceof Error ? error.message : String(error);
}

;// CONCATENATED MODULE: ./src/auth/token-source.ts
/** The index's words for an expired token (protocol §2): 403 "Invalid API Token: token is expired". */
function isExpiredTokenResponse(status, message) {
    return status === 403 && /token is expired/i.test(message);
}
class StaticTokenSource {
    user;
    password;
    kind = 'token';
    constructor(user, password) {
        this.user = user;
        this.password = password;
    }
    async current() {
        return this.password;
    }
    async renew() {
        return undefined;
    }
}
class MintedTokenSource {
    mint;
    options;
    kind = 'trusted-publishing';
    user = '__token__';
    token;
    inFlight;
    marginMs;
    now;
    /** `mint` gets a fresh ID token and mints with it (see createTokenMinter). */
    constructor(mint, options = {}) {
        this.mint = mint;
        this.options = options;
        this.marginMs = options.marginMs ?? 60_000;
        this.now = options.now ?? Date.now;
    }
    /** Mints the first token now, so that a refused exchange fails the run before any upload. */
    static async start(mint, options = {}) {
        const source = new MintedTokenSource(mint, options);
        await source.current();
        return source;
    }
    /** When the current token expires (epoch ms, our clock); undefined before the first mint. */
    get expiresAt() {
        return this.token?.expiresAt;
    }
    async current() {
        const token = this.token;
        if (token && token.expiresAt - this.now() > this.marginMs)
            return token.token;
        return (await this.refresh(token ? 'the token is about to expire' : undefined)).token;
    }
    async renew(rejected) {
        if (this.inFlight)
            return (await this.inFlight).token;
        if (this.token && this.token.token !== rejected)
            return this.token.token;
        return (await this.refresh('the index said the token has expired')).token;
    }
    refresh(reason) {
        // One renewal at a time: parallel uploads that all notice expiry wait for the same mint.
        if (this.inFlight)
            return this.inFlight;
        const attempt = Promise.resolve()
            .then(() => this.mint())
            .then(fresh => {
            this.token = fresh;
            if (reason)
                this.options.onRenew?.(`Minted a fresh upload token: ${reason}.`);
            return fresh;
        });
        this.inFlight = attempt;
        const settled = () => {
            if (this.inFlight === attempt)
                this.inFlight = undefined;
        };
        attempt.then(settled, settled);
        return attempt;
    }
}
/**
 * Runs one request with the source's current credentials; when it fails because the index found
 * the token expired, renews and runs it once more. The refused request stored nothing, so the
 * retry neither loses nor repeats an upload. `isExpired` tells an expiry refusal from others
 * (e.g. `e instanceof UploadError && isExpiredTokenResponse(e.status, e.indexMessage)`).
 */
async function withCurrentToken(source, attempt, isExpired) {
    const password = await source.current();
    try {
        return await attempt(source.user, password);
    }
    catch (error) {
        if (!isExpired(error))
            throw error;
        const fresh = await source.renew(password);
        if (fresh === undefined)
            throw error;
        return attempt(source.user, fresh);
    }
}

;// CONCATENATED MODULE: ./src/auth/credentials.ts





/** The user name API tokens and trusted publishing go with. */
const TOKEN_USER = '__token__';
/**
 * Which way to authenticate. A given password/token always wins. With none, and the user left as
 * `__token__`, trusted publishing — if the job can get an ID token at all; if it cannot, the
 * error explains both ways out, because the usual cause is a forgotten permission or an empty
 * secret (a typo in a secret's name reads as an empty string).
 */
function chooseCredential(settings, run, ambient) {
    if (settings.password) {
        return { method: 'token', user: settings.user, password: settings.password };
    }
    if (settings.user !== TOKEN_USER) {
        throw new TrustedPublishingError(`The user is '${settings.user}' but no password was given. Pass the password for ` +
            `'${settings.user}' as 'password' (from a secret), e.g. \`password: \${{ secrets.INDEX_PASSWORD }}\`. ` +
            'If you did, the secret is empty: a typo in its name reads as an empty string. ' +
            `(Trusted publishing applies only with the user left as '${TOKEN_USER}'.)`);
    }
    // Outside the action (the command line), whichever CI system runs us may give the ID token.
    if (ambient) {
        if (!ambient.provider)
            throw new TrustedPublishingError(ambient.missing);
        return { method: 'trusted-publishing' };
    }
    if (!run.idToken.available)
        throw new TrustedPublishingError(noIdTokenMessage(run));
    return { method: 'trusted-publishing' };
}
/**
 * The password source for the uploads. Under trusted publishing the first token is minted here,
 * so a refused exchange stops the run before anything is uploaded.
 */
async function resolveTokenSource(options) {
    const choice = chooseCredential(options.settings, options.run, options.ambient);
    if (choice.method === 'token')
        return new StaticTokenSource(choice.user, choice.password);
    const { log } = options;
    const host = new URL(options.settings.repositoryUrl).host;
    const minter = createTokenMinter({
        http: options.http,
        repositoryUrl: options.settings.repositoryUrl,
        getIdToken: options.getIdToken,
        onSecret: options.onSecret,
        now: options.now,
        retry: { policy: { ...DEFAULT_RETRY_POLICY, ...options.settings.retry }, log }
    });
    const source = await MintedTokenSource.start(minter, {
        now: options.now,
        marginMs: options.renewMarginMs,
        onRenew: message => log.info(message)
    });
    const expires = source.expiresAt;
    log.info(`Trusted publishing: exchanged ${options.ambient ? `this ${options.ambient.provider} job's` : "this workflow's GitHub"} ID token for a short-lived upload token ` +
        `at ${host}` +
        (expires ? `, valid until ${new Date(expires).toISOString()} (renewed as needed).` : '.'));
    return source;
}

;// CONCATENATED MODULE: ./src/auth/nudge.ts


/** The upload hosts we know the web side of: where a project's publishing settings live. */
const WEB_ORIGIN_BY_UPLOAD_HOST = {
    'upload.pypi.org': 'https://pypi.org',
    'pypi.org': 'https://pypi.org',
    'test.pypi.org': 'https://test.pypi.org'
};
/**
 * A notice for runs that publish to PyPI or TestPyPI with a long-lived token: trusted publishing
 * needs no secret and enables attestations, and the link opens the project's publishing settings
 * with owner, repository and workflow file filled in, so switching takes one click and one
 * permission line. undefined when it does not apply.
 */
function trustedPublishingNudge(options) {
    if (!options.usedToken || options.projects.length === 0)
        return undefined;
    let host;
    try {
        host = new URL(options.repositoryUrl).host;
    }
    catch {
        return undefined;
    }
    const web = WEB_ORIGIN_BY_UPLOAD_HOST[host];
    if (!web)
        return undefined;
    const [owner, repo] = (options.run.repository ?? '').split('/');
    const workflow = parseWorkflowRef(options.run.workflowRef);
    const params = new URLSearchParams({ provider: 'github' });
    if (owner && repo) {
        params.set('owner', owner);
        params.set('repository', repo);
    }
    if (workflow)
        params.set('workflow_filename', workflow.filename);
    const names = [...new Set(options.projects.map(normalizeName))];
    const links = names.map(name => `  ${web}/manage/project/${encodeURIComponent(name)}/settings/publishing/?${params.toString()}`);
    return [
        `This run published to ${new URL(web).host} with a long-lived API token. Consider trusted ` +
            'publishing instead: no secret to leak or rotate, and each file gets a signed attestation ' +
            'of where it was built.',
        `Add this workflow as a trusted publisher (the form opens pre-filled):`,
        ...links,
        'then give the publishing job `permissions: id-token: write` and remove the token input.',
        'https://docs.pypi.org/trusted-publishers/'
    ].join('\n');
}

;// CONCATENATED MODULE: ./src/builder/outputs.ts
/**
 * Which distributions a build made: the output folder is listed before and after, and the `.whl`
 * and `.tar.gz` files that are new or were rewritten are the build's. A custom build command says
 * nothing about what it wrote, so this is how its files are found; files already in the folder
 * and left alone (a stale release, say) are not counted.
 */


const BUILT_FILE = /\.(whl|tar\.gz)$/i;
/** The distribution files under `dir` (nested too), by absolute path; empty if `dir` is missing. */
async function snapshotOutputs(dir) {
    const files = new Map();
    await walk(external_node_path_default().resolve(dir), files);
    return files;
}
/** The files of `after` that `before` did not have, or had in another state; sorted. */
function changedOutputs(before, after) {
    return [...after]
        .filter(([file, state]) => before.get(file) !== state)
        .map(([file]) => file)
        .sort();
}
async function walk(dir, files) {
    let entries;
    try {
        entries = await (0,promises_.readdir)(dir, { withFileTypes: true });
    }
    catch (error) {
        if (error.code === 'ENOENT')
            return;
        throw error;
    }
    for (const entry of entries) {
        const full = external_node_path_default().join(dir, entry.name);
        if (entry.isDirectory())
            await walk(full, files);
        else if (entry.isFile() && BUILT_FILE.test(entry.name)) {
            const info = await (0,promises_.stat)(full, { bigint: true });
            // Nanosecond times: a rebuild that writes the same bytes within a millisecond still shows.
            files.set(full, `${info.ino}:${info.size}:${info.mtimeNs}:${info.ctimeNs}`);
        }
    }
}

;// CONCATENATED MODULE: ./src/builder/python.ts



const VERSION_TIMEOUT_MS = 60_000;
const HOW_TO_FIX = 'Add a step before this one that provides it, e.g. actions/setup-python followed by ' +
    "'python -m pip install build', or set build-command to the command that builds your project.";
/** Throws an Error saying what was tried and how to fix it when no Python can build. */
async function findBuildPython(options) {
    const { run, env, log } = options;
    const unusable = [];
    /** The first Python that runs but has no `build`: the one to install it for. */
    let lacking;
    for (const python of options.python ? [options.python] : defaultPythons(options.platform)) {
        const result = await run(python, ['-m', 'build', '--version'], {
            env,
            timeoutMs: VERSION_TIMEOUT_MS
        });
        if (result.exitCode === 0) {
            return { python, env, version: firstLine(result.stdout), dispose: async () => undefined };
        }
        if (result.spawnError || result.timedOut) {
            unusable.push(`${python}: ${describeFailure(result)}`);
            continue;
        }
        log.debug(`${python} -m build --version: ${describeFailure(result)}`);
        lacking ??= { python, why: lastOutputLine(result.stderr || result.stdout) };
    }
    if (!lacking) {
        throw new Error(`No Python found to build with (${unusable.join('; ')}). ${HOW_TO_FIX}`);
    }
    return installBuild(lacking.python, lacking.why, options);
}
/** Installs `build` into a temporary folder and checks that `python -m build` then runs. */
async function installBuild(python, why, options) {
    const { run, log } = options;
    log.info(`${python} cannot run 'python -m build' (${why}); installing it: ${python} -m pip install --target <a temporary folder> build`);
    const install = await log.childOutput(show => installTemporarily(run, python, 'build', {
        env: options.env,
        timeoutMs: options.installTimeoutMs ?? 300_000,
        onLine: show
    }));
    if (!install.ok) {
        throw new Error(`${python} has no 'build' module (${why}), and installing it failed: ${install.command} ${install.failure}. ${HOW_TO_FIX}`);
    }
    const check = await run(python, ['-m', 'build', '--version'], {
        env: install.env,
        timeoutMs: VERSION_TIMEOUT_MS
    });
    if (check.exitCode !== 0) {
        await install.dispose();
        throw new Error(`'build' was installed for ${python} (${install.command}), but '${python} -m build --version' then ${describeFailure(check)}. ${HOW_TO_FIX}`);
    }
    return { python, env: install.env, version: firstLine(check.stdout), dispose: install.dispose };
}
function firstLine(text) {
    return text.trim().split(/\r?\n/)[0] ?? '';
}

;// CONCATENATED MODULE: ./src/builder/shell.ts
/**
 * How a custom build command (`uv build`, `hatch build && …`) is run: through the platform's shell,
 * the way a workflow's `run:` line is, so pipes, `&&` and quoting work as the user wrote them.
 */
function shellInvocation(commandLine, platform = process.platform, comSpec) {
    if (platform === 'win32') {
        // What Node's `shell: true` does: /d skips AutoRun, /s keeps the quoted line as written.
        return {
            command: comSpec ?? 'cmd.exe',
            args: ['/d', '/s', '/c', `"${commandLine}"`],
            windowsVerbatimArguments: true
        };
    }
    return { command: '/bin/sh', args: ['-c', commandLine], windowsVerbatimArguments: false };
}

;// CONCATENATED MODULE: ./src/builder/build.ts
/**
 * The optional build step: makes the distributions before they are published, as Travis's dpl
 * did, so a workflow needs no separate build step. By default `python -m build` (PyPA's front end,
 * which runs any PEP 517 backend); a custom command (`uv build`, `hatch build`) runs instead when
 * given. The build's output is streamed line by line into a log group; a failed build stops the
 * run with the command and the tail of its output, which is where every build tool says why.
 */






/** A build that failed: the command, how it ended, and the last lines of its output. */
class BuildError extends Error {
    command;
    outputTail;
    constructor(message, command, outputTail) {
        super(outputTail.length > 0 ? `${message}\n${outputTail.join('\n')}` : message);
        this.command = command;
        this.outputTail = outputTail;
        this.name = 'BuildError';
    }
}
/** How many of the last lines of output a failure shows. */
const OUTPUT_TAIL_LINES = 30;
async function buildDistributions(options) {
    const { log } = options;
    const run = options.run ?? runProcess;
    const workingDirectory = external_node_path_default().resolve(options.workingDirectory);
    const outDir = external_node_path_default().resolve(options.outDir);
    await requireDirectory(workingDirectory);
    // Unbuffered Python output keeps stdout and stderr lines in the order they were written.
    const env = options.env.with({ PYTHONUNBUFFERED: '1' });
    const before = await snapshotOutputs(outDir);
    const command = await log.group(`Building distributions in ${workingDirectory}`, async () => {
        if (options.buildCommand !== undefined && options.buildCommand.trim() !== '') {
            const shell = shellInvocation(options.buildCommand, process.platform, env.get('ComSpec'));
            await runBuild(run, options.buildCommand, shell.command, shell.args, {
                cwd: workingDirectory,
                env,
                log,
                timeoutMs: options.timeoutMs,
                windowsVerbatimArguments: shell.windowsVerbatimArguments
            });
            return options.buildCommand;
        }
        const python = await findBuildPython({ python: options.python, env, log, run });
        try {
            log.info(`Using ${python.version} with ${python.python}`);
            const args = [
                '-m',
                'build',
                ...kindFlags(options.distributions),
                '--outdir',
                outDir,
                ...(options.extraArgs ?? [])
            ];
            const shown = displayCommand(python.python, args);
            await runBuild(run, shown, python.python, args, {
                cwd: workingDirectory,
                env: python.env,
                log,
                timeoutMs: options.timeoutMs
            });
            return shown;
        }
        finally {
            await python.dispose();
        }
    });
    const files = changedOutputs(before, await snapshotOutputs(outDir));
    if (files.length === 0) {
        throw new BuildError(`The build (${command}) succeeded but wrote no .whl or .tar.gz file into ${outDir}, the folder that is published. ` +
            'Make the build write there (e.g. uv build --out-dir, hatch build <dir>) or point packages-dir at where it writes.', command, []);
    }
    for (const file of files)
        log.info(`Built ${external_node_path_default().relative(outDir, file)}`);
    return { files, command };
}
/** `python -m build` makes both by default, the wheel from the sdist, which tests the sdist too. */
function kindFlags(kinds) {
    if (kinds.has('sdist') && kinds.has('wheel'))
        return [];
    if (kinds.has('sdist'))
        return ['--sdist'];
    if (kinds.has('wheel'))
        return ['--wheel'];
    throw new Error("Nothing to build: 'distributions' names neither sdist nor wheel.");
}
/** Runs the build, every line of output into the log; throws a BuildError if it fails. */
async function runBuild(run, shown, command, args, options) {
    const { log } = options;
    log.info(`$ ${shown}`);
    const tail = [];
    const result = await log.childOutput(show => run(command, args, {
        cwd: options.cwd,
        env: options.env,
        timeoutMs: options.timeoutMs,
        windowsVerbatimArguments: options.windowsVerbatimArguments,
        onLine: line => {
            show(line);
            tail.push(line);
            if (tail.length > OUTPUT_TAIL_LINES)
                tail.shift();
        }
    }));
    if (result.exitCode === 0)
        return;
    const intro = tail.length > 0 ? ` Its last ${tail.length} line(s) of output:` : ' It wrote nothing.';
    throw new BuildError(`The build failed: ${shown} ${ending(result)} (in ${options.cwd}).${intro}`, shown, tail);
}
function ending(result) {
    if (result.spawnError?.code === 'ENOENT')
        return 'could not be started: the program was not found';
    if (result.spawnError)
        return `could not be started (${result.spawnError.message})`;
    if (result.timedOut)
        return 'took too long and was stopped';
    if (result.exitCode === null)
        return 'was stopped by a signal';
    return `exited with code ${result.exitCode}`;
}
async function requireDirectory(dir) {
    const info = await (0,promises_.stat)(dir).catch(() => undefined);
    if (!info?.isDirectory()) {
        throw new Error(`The working directory to build in, ${dir}, is not a folder. Check working-directory.`);
    }
}
/** A command line for the log, arguments with spaces quoted. */
function displayCommand(command, args) {
    return [command, ...args].map(a => (/[\s"']/.test(a) ? JSON.stringify(a) : a)).join(' ');
}

;// CONCATENATED MODULE: ./src/index-api/simple.ts

const SIMPLE_JSON = 'application/vnd.pypi.simple.v1+json';
/**
 * One project's page lists every file it ever had. On PyPI the largest (nightly builds with
 * thousands of releases, a dozen wheels each) are some MiB of PEP 691 JSON; 64 MiB covers them
 * with room to spare while keeping a broken or hostile index from filling memory.
 */
const SIMPLE_PAGE_CAP = {
    bytes: 64 * 1024 * 1024,
    what: "a project's simple page",
    advice: "Check that 'index-url' is the index's simple API (e.g. https://pypi.org/simple/). If it is " +
        "and the project's page is really that large, turn the read-back off with 'verify-upload: false'."
};
/**
 * Reads `<simpleUrl><project>/` (PEP 691 JSON when the index offers it, else the PEP 503 HTML page
 * with `#sha256=` fragments). Follows same-host redirects (PyPI redirects non-normalized names).
 */
async function readSimplePage(http, simpleUrl, project, options = {}) {
    const { authorization, timeLimit } = options;
    const now = options.now ?? Date.now;
    const started = now();
    let url = new URL(`${encodeURIComponent(normalizeName(project))}/`, ensureSlash(simpleUrl)).toString();
    const origin = new URL(url).origin;
    for (let hop = 0; hop < 5; hop++) {
        const headers = {
            Accept: `${SIMPLE_JSON}, text/html;q=0.1`,
            'Cache-Control': 'no-cache'
        };
        if (authorization)
            headers.Authorization = authorization;
        const limit = timeLimit && { ...timeLimit, ms: timeLimit.ms - (now() - started) };
        const response = await http.get(url, SIMPLE_PAGE_CAP, headers, limit);
        if ([301, 302, 303, 307, 308].includes(response.status) && response.headers.location) {
            const next = new URL(response.headers.location, url);
            if (next.origin !== origin)
                return { found: false, status: response.status, url };
            url = next.toString();
            continue;
        }
        if (response.status !== 200)
            return { found: false, status: response.status, url };
        const type = String(response.headers['content-type'] ?? '');
        const files = type.includes('json') ? simple_parseJson(response.body) : parseHtml(response.body);
        return { found: true, files, url };
    }
    return { found: false, status: 310, url };
}
function simple_parseJson(body) {
    const files = new Map();
    const parsed = JSON.parse(body);
    for (const file of parsed.files ?? []) {
        if (file.filename)
            files.set(file.filename, (file.hashes?.sha256 ?? '').toLowerCase());
    }
    return files;
}
function parseHtml(body) {
    const files = new Map();
    for (const match of body.matchAll(/<a\s[^>]*href="([^"]*)"[^>]*>([^<]*)<\/a>/gi)) {
        const href = match[1].replace(/&amp;/g, '&');
        const text = match[2].trim();
        const filename = text || decodeURIComponent(href.split('#')[0].split('/').pop() ?? '');
        const sha256 = /#sha256=([0-9a-f]{64})/i.exec(href)?.[1] ?? '';
        if (filename)
            files.set(filename, sha256.toLowerCase());
    }
    return files;
}
function ensureSlash(url) {
    return url.endsWith('/') ? url : `${url}/`;
}
/**
 * The simple index that belongs to an upload URL, for the indexes whose layout is known, or
 * undefined when it cannot be told (the caller then says so instead of skipping silently).
 */
function simpleUrlFor(uploadUrl) {
    const url = new URL(uploadUrl);
    const host = url.hostname.toLowerCase();
    if (host === 'upload.pypi.org' || host === 'pypi.org')
        return 'https://pypi.org/simple/';
    if (host === 'test.pypi.org')
        return 'https://test.pypi.org/simple/';
    const path = url.pathname.replace(/\/+$/, '');
    const base = `${url.origin}`;
    // Warehouse-like and many others: …/legacy → …/simple/
    if (/\/legacy$/.test(path))
        return `${base}${path.replace(/\/legacy$/, '')}/simple/`;
    // GitLab: /api/v4/projects/<id>/packages/pypi (and groups)
    if (/\/packages\/pypi$/.test(path))
        return `${base}${path}/simple/`;
    // Artifactory: /artifactory/api/pypi/<repo>
    if (/\/api\/pypi\/[^/]+$/.test(path))
        return `${base}${path}/simple/`;
    // Nexus: /repository/<name>
    if (/\/repository\/[^/]+$/.test(path))
        return `${base}${path}/simple/`;
    // pypiserver: uploads go to the root
    if (path === '')
        return `${base}/simple/`;
    // devpi: /<user>/<index>
    if (/^\/[^/+]+\/[^/+]+$/.test(path))
        return `${base}${path}/+simple/`;
    return undefined;
}

;// CONCATENATED MODULE: ./src/index-api/listing.ts


/**
 * Reads each project's simple page once. A 404 is a readable answer: the project does not exist
 * yet, so none of its files are there (a first release).
 */
async function readListings(http, simpleUrl, dists, authorization, log) {
    return new ListingReader(http, simpleUrl, authorization).listings(dists, log);
}
/**
 * The simple pages of a run's projects, each asked for once, as soon as its project is known:
 * the pipeline starts a project's read when its first file has been inspected, so the round trip
 * (a TLS handshake and an answer, against PyPI) runs while the other files are still read and
 * checked. It only reads: nothing is sent before every file has passed its checks.
 */
class ListingReader {
    http;
    simpleUrl;
    authorization;
    pages = new Map();
    constructor(http, simpleUrl, authorization) {
        this.http = http;
        this.simpleUrl = simpleUrl;
        this.authorization = authorization;
    }
    /** Starts reading the page of `projectName` (a no-op when it was started already). */
    start(projectName) {
        const project = normalizeName(projectName);
        if (!this.pages.has(project))
            this.pages.set(project, this.read(project));
    }
    /** What the index lists for the projects of `dists` (their reads started now if not yet). */
    async listings(dists, log) {
        const listings = new Map();
        for (const dist of dists)
            this.start(dist.name);
        for (const project of new Set(dists.map(d => normalizeName(d.name)))) {
            const read = await this.pages.get(project);
            if ('files' in read)
                listings.set(project, read.files);
            else
                log.debug(read.note);
        }
        return listings;
    }
    async read(project) {
        try {
            const page = await readSimplePage(this.http, this.simpleUrl, project, {
                authorization: this.authorization
            });
            if (page.found)
                return { files: page.files };
            if (page.status === 404)
                return { files: new Map() };
            return { note: `${page.url} answered HTTP ${page.status}: its files are not known` };
        }
        catch (error) {
            return { note: `Reading ${this.simpleUrl} for ${project} failed: ${String(error)}` };
        }
    }
}
function presenceOf(listings, dist) {
    const files = listings.get(normalizeName(dist.name));
    if (!files)
        return 'unknown';
    const listed = files.get(dist.filename);
    if (listed === undefined)
        return 'absent';
    if (listed === '')
        return 'listed';
    return listed === dist.digests.sha256 ? 'same' : 'different';
}
/** The sha256 the listings give for a file ('' or undefined when none). */
function listedSha256(listings, dist) {
    return listings.get(normalizeName(dist.name))?.get(dist.filename);
}

;// CONCATENATED MODULE: ./src/upload/progress.ts

/**
 * Progress lines at a steady interval: `name: 45% (120.0 MiB of 260.0 MiB, 85.3 MiB/s)`. Lines,
 * not a redrawn bar: CI logs are append-only, and parallel uploads stay readable.
 */
function progressReporter(filename, log, options = {}) {
    const minSize = options.minSize ?? 10 * 1024 * 1024;
    const intervalMs = options.intervalMs ?? 5000;
    const now = options.now ?? Date.now;
    let total = 0;
    let sent = 0;
    let startedAt = 0;
    let lastLine = 0;
    return {
        start(size) {
            total = size;
            sent = 0;
            startedAt = lastLine = now();
        },
        sent(bytes) {
            sent += bytes;
            if (total < minSize)
                return;
            const t = now();
            if (t - lastLine < intervalMs)
                return;
            lastLine = t;
            const rate = sent / Math.max(1, t - startedAt) / 1.024 / 1024; // bytes/ms → MiB/s
            log.info(`${filename}: ${Math.floor((sent / total) * 100)}% (${formatSize(sent)} of ${formatSize(total)}, ${rate.toFixed(1)} MiB/s)`);
        },
        done() {
            /* the caller prints the result line */
        }
    };
}

;// CONCATENATED MODULE: ./src/upload/form.ts
/**
 * The upload form for one distribution, field by field what twine sends
 * (docs/upload-protocol.md §1): the action fields, the core metadata, the file's type and python
 * tag, and its digests.
 * md5 is sent too: twine ≥ 6.2 dropped it, but some self-hosted indexes still use it, and PyPI
 * only checks that it matches.
 */
function uploadFields(dist, extra = []) {
    return [
        [':action', 'file_upload'],
        ['protocol_version', '1'],
        ...dist.metadataFields,
        ['filetype', dist.filetype],
        ['pyversion', dist.pyversion],
        ['md5_digest', dist.digests.md5],
        ['sha256_digest', dist.digests.sha256],
        ['blake2_256_digest', dist.digests.blake2_256],
        ...extra
    ];
}

;// CONCATENATED MODULE: ./src/inspect/whole-file.ts
/**
 * A small file read once, whole: the same bytes then serve the archive reading and every digest,
 * with no second open, stat or read of the file. Its identity is taken before and after the read,
 * as the streaming digest pass does, so a file that changed meanwhile is known.
 *
 * The read is synchronous, and into memory used again from file to file: for 100 wheels of 64 KiB
 * the thread pool's round trips (open, two stats, read, close) and a fresh buffer per file (page
 * faults, collections) were a third of their inspection. Only regular files up to a small size
 * are read so, a few hundred microseconds at most; anything else is left to the streaming readers.
 */


/**
 * Files up to this size are read whole with one read, once: for a wheel, the directory, the
 * framing walk, the few members PyPI reads and all three digests then cost no further reads (each
 * one a round trip through libuv's thread pool, a third of a small wheel's inspection); for its
 * upload, the body is checked whole before the first byte and sent in one write.
 */
const READ_WHOLE_UP_TO = 1024 * 1024;
/** Read buffers are sized in steps of this, so that files of similar sizes share them. */
const STEP = 64 * 1024;
/**
 * Read buffers done with, for the next file. One set per inspection run and one per upload run
 * (its memory goes when the run ends); no more buffers are kept than were in use at once.
 */
class ReadBuffers {
    spare = [];
    inUse = 0;
    mostInUse = 0;
    /** A buffer of at least `length` bytes, lent until `give` hands it back. */
    take(length) {
        this.inUse++;
        this.mostInUse = Math.max(this.mostInUse, this.inUse);
        const fits = this.spare.findIndex(buffer => buffer.length >= length);
        if (fits >= 0)
            return this.spare.splice(fits, 1)[0];
        return Buffer.allocUnsafe(Math.ceil(length / STEP) * STEP);
    }
    /** Takes back a buffer from `take`: nothing may read or keep a view of it after this. */
    give(buffer) {
        this.inUse--;
        this.spare.push(buffer);
        if (this.spare.length > this.mostInUse) {
            this.spare.sort((a, b) => b.length - a.length);
            this.spare.pop();
        }
    }
}
/** O_NONBLOCK, where it exists: opening a FIFO then returns at once instead of waiting for a writer. */
const OPEN_FLAGS = external_node_fs_.constants.O_RDONLY | (external_node_fs_.constants.O_NONBLOCK ?? 0);
/**
 * The bytes of a regular file of at most `upTo` bytes; undefined for anything else (a larger file,
 * which is never held in memory whole, or a folder, device or FIFO), left to the streaming
 * readers, which open it again and report on it as they always did.
 */
function readWholeFile(path, upTo, buffers) {
    const fd = (0,external_node_fs_.openSync)(path, OPEN_FLAGS);
    try {
        const stats = (0,external_node_fs_.fstatSync)(fd);
        if (!stats.isFile() || stats.size > upTo)
            return undefined;
        const onDisk = identityOf(stats);
        // One byte more than the size: a file that grew fills it, and is known to have changed (the
        // read stops there, so memory stays bounded whatever the file does).
        const wanted = onDisk.size + 1;
        const memory = buffers.take(wanted);
        let filled = 0;
        try {
            for (;;) {
                const bytesRead = (0,external_node_fs_.readSync)(fd, memory, filled, wanted - filled, filled);
                filled += bytesRead;
                // A regular file's read comes up short only at its end: once the size is read, a short
                // read is the end (a growth after it shows in the second stat).
                if (bytesRead === 0 || filled === wanted || filled >= onDisk.size)
                    break;
            }
        }
        catch (error) {
            buffers.give(memory);
            throw error;
        }
        const changes = identityChanges(onDisk, identityOf((0,external_node_fs_.fstatSync)(fd)));
        if (filled !== onDisk.size)
            changes.push(`read ${filled} of ${onDisk.size} bytes`);
        return { bytes: memory.subarray(0, filled), memory, onDisk, changes };
    }
    finally {
        (0,external_node_fs_.closeSync)(fd);
    }
}

;// CONCATENATED MODULE: ./src/upload/multipart.ts






/**
 * The file is sent in chunks of this size. 1 MiB chunks measured ~30 MB more peak memory with
 * eight uploads at once over TLS (each connection holds a few chunks, encrypted, until the link
 * takes them) and no faster a send, on loopback or over a 200 Mbit/s link.
 */
const CHUNK = 256 * 1024;
/**
 * File chunks kept for reuse. A chunk's buffer lives outside V8's heap, so a fresh one per chunk
 * left up to ~64 MB of sent chunks waiting for a collection during a large upload; the socket
 * holds one or two chunks at a time, so a few buffers handed back by the sender cover it.
 */
const POOLED_CHUNKS = 4;
/** The buffers file chunks are read into: reused when handed back, fresh when none is free. */
class ChunkPool {
    /** Given out and not handed back yet, by their memory. */
    out = new WeakSet();
    /** Full-size chunks only: every read but a file's last is CHUNK long. */
    free = [];
    take(size) {
        // Only as large as the read: a small file's body costs no full-chunk allocation.
        const memory = this.free.pop() ?? Buffer.allocUnsafeSlow(size).buffer;
        this.out.add(memory);
        return Buffer.from(memory, 0, size);
    }
    /** Ignores chunks it did not give out (the head and tail), and keeps POOLED_CHUNKS at most. */
    give(chunk) {
        const memory = chunk.buffer;
        if (!this.out.delete(memory))
            return;
        if (memory.byteLength === CHUNK && this.free.length < POOLED_CHUNKS)
            this.free.push(memory);
    }
}
/**
 * Fresh memory for each small body: what a body gets when no shared memory is given. For 100
 * uploads of 64 KiB, fresh buffers cost ~0.3 ms each in page faults on a VM and then collections;
 * memory shared across a run's uploads (ReadBuffers) costs neither.
 */
const FRESH_MEMORY = {
    take: length => Buffer.allocUnsafe(length),
    give: () => undefined
};
function buildMultipartBody(fields, file, progress, memory = FRESH_MEMORY) {
    // Unpredictable, so no file can hold it: 122 random bits. randomUUID draws from a pool Node
    // refills in batches; randomBytes made a system call per body (~70 µs each on a VM).
    const boundary = `----pypi-publish-${(0,external_node_crypto_namespaceObject.randomUUID)().replaceAll('-', '')}`;
    const head = Buffer.concat([
        ...fields.map(([name, value]) => Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="${quote(name)}"\r\n\r\n${value}\r\n`, 'utf8')),
        Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="${quote(file.field)}"; ` +
            `filename="${quote(file.filename)}"\r\nContent-Type: ${file.contentType}\r\n\r\n`, 'utf8')
    ]);
    const tail = Buffer.from(`\r\n--${boundary}--\r\n`, 'utf8');
    let failure;
    // Each small body handed out by `open`, with the memory it is a view of, until `sent`.
    const lent = new Map();
    // A large file's chunks, for every attempt at sending this body.
    const pool = new ChunkPool();
    return {
        contentType: `multipart/form-data; boundary=${boundary}`,
        contentLength: head.length + file.size + tail.length,
        failure: () => failure,
        sent: chunk => {
            const taken = lent.get(chunk);
            if (taken) {
                lent.delete(chunk);
                memory.give(taken);
            }
            else {
                pool.give(chunk);
            }
        },
        open: () => {
            failure = undefined;
            const length = head.length + file.size + tail.length;
            progress?.start(length);
            if (file.size <= READ_WHOLE_UP_TO) {
                let whole;
                try {
                    whole = wholeBody(head, file, tail, memory);
                }
                catch (error) {
                    failure = error;
                    throw error;
                }
                if (whole) {
                    lent.set(whole.body, whole.memory);
                    progress?.sent(whole.body.length);
                    progress?.done();
                    return whole.body;
                }
            }
            const stream = external_node_stream_.Readable.from(bodyChunks(head, file, tail, pool, progress), {
                objectMode: false
            });
            // The HTTP client destroys the request when its body fails (the index sees a cut upload);
            // the failure is kept so the caller reports it rather than the cut connection.
            stream.once('error', error => (failure = error));
            return stream;
        }
    };
}
async function* bodyChunks(head, file, tail, pool, progress) {
    // Opened and compared before the first byte goes out: a file replaced or rewritten since the
    // checks is refused with nothing sent.
    const handle = await (0,promises_.open)(file.path, 'r');
    try {
        const opened = identityOf(await handle.stat());
        const expected = file.onDisk ?? { ...opened, size: file.size };
        const differences = identityChanges(expected, opened);
        if (differences.length > 0)
            throw changedFile(file, differences.join(', '));
        // Progress counts every byte of the body, as `start` was given the body's length: counting
        // the file alone would leave the last line short of 100%.
        progress?.sent(head.length);
        yield head;
        // The bytes sent are hashed as they go: ~0.85 ms per MiB with SHA-NI, far below what the
        // network takes, and the only way to notice a same-size rewrite that kept its mtime.
        const sha256 = file.sha256 ? (0,external_node_crypto_namespaceObject.createHash)('sha256') : undefined;
        let sent = 0;
        while (sent < file.size) {
            // Never a buffer the socket may still hold: a fresh one, or one the sender handed back.
            const buffer = pool.take(Math.min(CHUNK, file.size - sent));
            const { bytesRead } = await handle.read(buffer, 0, buffer.length, sent);
            if (bytesRead === 0) {
                throw changedFile(file, `it ended after ${sent} of the ${file.size} bytes checked`);
            }
            const chunk = bytesRead === buffer.length ? buffer : buffer.subarray(0, bytesRead);
            sha256?.update(chunk);
            sent += bytesRead;
            progress?.sent(bytesRead);
            yield chunk;
        }
        // Everything below runs before the closing boundary: a failure here leaves the form incomplete.
        const probe = await handle.read(Buffer.alloc(1), 0, 1, file.size);
        if (probe.bytesRead > 0)
            throw changedFile(file, `it has grown past the ${file.size} bytes checked`);
        const after = identityChanges(expected, identityOf(await handle.stat()));
        if (after.length > 0)
            throw changedFile(file, after.join(', '));
        const digest = sha256?.digest('hex');
        if (digest !== undefined && digest !== file.sha256) {
            throw changedFile(file, `the bytes sent have sha256 ${digest}, not the ${file.sha256} checked`);
        }
    }
    finally {
        await handle.close();
    }
    progress?.sent(tail.length);
    yield tail;
    progress?.done();
}
/**
 * The whole body of a small file in one buffer: the file is read straight into the room between
 * the head and the tail, and nothing is sent unless it is exactly the file checked (same identity
 * and size, same sha256). Undefined when the path is no longer a regular file of at most
 * READ_WHOLE_UP_TO bytes: the streaming path then opens it and says what changed. The body is a
 * view of `memory` taken from the pool, which the caller gives back once it is sent.
 */
function wholeBody(head, file, tail, pool) {
    // One byte of room past the file, so that a file that grew is noticed (the read stops there).
    const memory = pool.take(head.length + file.size + 1 + tail.length);
    try {
        head.copy(memory, 0);
        const region = {
            take: (length) => memory.subarray(head.length, head.length + length),
            give: () => undefined
        };
        const read = readWholeFile(file.path, READ_WHOLE_UP_TO, region);
        if (!read) {
            pool.give(memory);
            return undefined;
        }
        const expected = file.onDisk ?? { ...read.onDisk, size: file.size };
        const differences = [...identityChanges(expected, read.onDisk), ...read.changes];
        if (differences.length > 0)
            throw changedFile(file, differences.join(', '));
        if (file.sha256 !== undefined) {
            const digest = hexDigest('sha256', read.bytes);
            if (digest !== file.sha256) {
                throw changedFile(file, `its bytes have sha256 ${digest}, not the ${file.sha256} checked`);
            }
        }
        tail.copy(memory, head.length + file.size);
        return { body: memory.subarray(0, head.length + file.size + tail.length), memory };
    }
    catch (error) {
        pool.give(memory);
        throw error;
    }
}
function changedFile(file, why) {
    return new FileChangedError(file.path, file.filename, why);
}
/** Field names and filenames are ours or PEP-defined; escape quotes and newlines anyway. */
function quote(value) {
    return value
        .replace(/\\/g, '\\\\')
        .replace(/"/g, '%22')
        .replace(/\r/g, '%0D')
        .replace(/\n/g, '%0A');
}

;// CONCATENATED MODULE: ./src/upload/response.ts

/**
 * The index's own words for a response. PyPI puts its message in the reason phrase AND the body;
 * HTTP/2 has no reason phrase, so the body comes first: JSON `message` (we send
 * `Accept: application/json`), then an HTML `<title>`, then the reason phrase, then plain text.
 */
function indexMessage(response) {
    const body = response.body.trim();
    const fromJson = jsonMessage(body);
    if (fromJson)
        return fromJson;
    const title = /<title>([\s\S]*?)<\/title>/i.exec(body)?.[1];
    if (title)
        return stripStatusPrefix(decodeEntities(title.trim()), response.status);
    const reason = response.statusText.trim();
    const generic = GENERIC_REASONS.has(reason.toLowerCase());
    if (reason && !generic)
        return reason;
    if (body && !body.startsWith('<'))
        return excerpt(body.replace(/\s+/g, ' '), 500);
    return reason || `HTTP ${response.status}`;
}
const GENERIC_REASONS = new Set([
    'ok',
    'bad request',
    'forbidden',
    'unauthorized',
    'not found',
    'conflict',
    'method not allowed',
    'internal server error',
    'bad gateway',
    'service unavailable',
    'gateway timeout'
]);
/**
 * Warehouse renders errors through Pyramid: `code` is the whole status line ("400 <message>") and
 * `message` is Pyramid's generic explanation followed by the detail. Prefer the status line's
 * text, then the last paragraph of `message`; other indexes use `message`, `detail` or `error`.
 */
function jsonMessage(body) {
    if (!body.startsWith('{'))
        return undefined;
    let parsed;
    try {
        parsed = JSON.parse(body);
    }
    catch {
        return undefined;
    }
    const code = typeof parsed.code === 'string' ? /^\d{3} (.+)$/s.exec(parsed.code.trim())?.[1] : undefined;
    if (code && code !== parsed.title && !GENERIC_REASONS.has(code.trim().toLowerCase())) {
        return code.trim();
    }
    for (const key of ['message', 'detail', 'error', 'errors']) {
        const value = parsed[key];
        if (typeof value === 'string' && value.trim())
            return lastParagraph(value);
        if (Array.isArray(value) && value.length) {
            return value.map(v => (typeof v === 'string' ? v : JSON.stringify(v))).join('; ');
        }
    }
    return undefined;
}
function lastParagraph(text) {
    const paragraphs = text
        .split(/\n\s*\n/)
        .map(p => p.trim())
        .filter(Boolean);
    return paragraphs[paragraphs.length - 1] ?? text.trim();
}
function stripStatusPrefix(title, status) {
    return title.startsWith(`${status} `) ? title.slice(String(status).length + 1) : title;
}
function decodeEntities(text) {
    return text
        .replace(/&#(\d+);/g, (_, n) => codePoint(Number(n)))
        .replace(/&#x([0-9a-f]+);/gi, (_, n) => codePoint(parseInt(n, 16)))
        .replace(/&quot;/g, '"')
        .replace(/&apos;/g, "'")
        .replace(/&lt;/g, '<')
        .replace(/&gt;/g, '>')
        .replace(/&amp;/g, '&');
}
/** A character reference of the index's page; one past Unicode's end (outside text) becomes U+FFFD. */
function codePoint(n) {
    return n <= 0x10ffff ? String.fromCodePoint(n) : '\ufffd';
}
/**
 * "This file is already there", as each index says it (docs/upload-protocol.md §2). PyPI answers
 * 200 for an identical re-upload, so these matter for a *different* file under a taken name, or
 * for indexes that refuse any re-upload.
 */
const ALREADY_EXISTS_PATTERNS = [
    /already exists?/i, // PyPI/TestPyPI "File already exists", pypiserver, Gitea, GCP "already exist"
    /updating asset/i, // Nexus "Repository does not allow updating assets"
    /overwrite artifact/i, // Artifactory "Not enough permissions to overwrite artifact"
    /already been taken/i // GitLab "File name has already been taken"
    // Not PyPI's "previously used by a file that has since been deleted": that file is NOT there,
    // so skipping it would publish nothing while reporting success.
];
function isAlreadyExists(response, message) {
    if (response.status === 409)
        return !/conflicts with an existing project/i.test(message);
    if (response.status !== 400 && response.status !== 403)
        return false;
    return ALREADY_EXISTS_PATTERNS.some(p => p.test(message));
}
/** A hint for the usual causes of a failed upload, or undefined. */
function hintFor(status, message, uploadUrl) {
    const url = new URL(uploadUrl);
    const isPyPI = /(^|\.)pypi\.org$/i.test(url.hostname);
    if (/file too large/i.test(message)) {
        return 'Ask for a larger file size limit: https://docs.pypi.org/project-management/storage-limits#requesting-a-file-size-limit-increase';
    }
    if (/project too large/i.test(message)) {
        return 'The project is over its total size limit: delete old releases or ask for more: https://docs.pypi.org/project-management/storage-limits';
    }
    if (/previously used by a file that has since been deleted/i.test(message)) {
        return 'A deleted file name can never be reused on PyPI: bump the version (or add a post release) and rebuild.';
    }
    if (/already exists?/i.test(message)) {
        return "A different file with this name is already on the index. Bump the version and rebuild, or set 'skip-existing: true' if re-running a release.";
    }
    switch (status) {
        case 401:
        case 403:
            if (/username\/password authentication/i.test(message)) {
                return "PyPI accepts only API tokens: set 'user' to '__token__' (the default) and 'password' to a token starting with 'pypi-'.";
            }
            if (/isn't allowed to upload|not valid for project|scoped/i.test(message)) {
                return 'The token is not allowed to upload to this project: use a token scoped to this project (or an account-wide one for a new project), or check the project name.';
            }
            if (/expired/i.test(message)) {
                return 'The token has expired: create a new one and update the secret.';
            }
            return ("The index refused the credentials. Check that the secret holds a valid token (starting with 'pypi-' for PyPI), " +
                `that it was made for ${isPyPI ? url.hostname.replace(/^upload\./, '') : 'this index'} (TestPyPI and PyPI tokens differ), and that 'user' is '__token__'.`);
        case 404:
            return `Nothing answers uploads at ${uploadUrl}. Use the index's upload URL (PyPI: https://upload.pypi.org/legacy/, TestPyPI: https://test.pypi.org/legacy/).`;
        case 405:
            return `${uploadUrl} does not take uploads (it looks like a browsing or /simple/ URL). Use the upload URL: ${suggestUploadUrl(url)}`;
        case 410:
            return `This URL is retired. Use ${suggestUploadUrl(url)}`;
        case 409:
            return /conflicts with an existing project/i.test(message)
                ? 'The project name is too close to an existing project: pick another name.'
                : undefined;
        case 429:
            return 'The index is rate-limiting: wait and re-run the job.';
        default:
            return status >= 500 ? 'The index had a server error: re-run the job later.' : undefined;
    }
}
function suggestUploadUrl(url) {
    if (/(^|\.)test\.pypi\.org$/i.test(url.hostname))
        return 'https://test.pypi.org/legacy/';
    if (/(^|\.)pypi\.(org|python\.org)$/i.test(url.hostname))
        return 'https://upload.pypi.org/legacy/';
    const simple = /^(.*\/)\+?simple\/?(?:[^/]+\/?)?$/.exec(url.pathname);
    if (simple) {
        // Self-hosted indexes put uploads beside /simple/: Warehouse-style at …/legacy/, pypiserver,
        // Nexus, Artifactory and GitLab at the base itself.
        const base = `${url.origin}${simple[1]}`;
        return `${base}legacy/ (Warehouse-style indexes) or ${base} (pypiserver, Nexus, Artifactory, GitLab, devpi)`;
    }
    return "the index's upload endpoint, as its documentation names it";
}

;// CONCATENATED MODULE: ./src/upload/upload.ts






/** An upload the index refused, with its own words, a hint, and what was asked. */
class UploadError extends Error {
    dist;
    status;
    indexMessage;
    url;
    hint;
    alreadyExists;
    retryAfterMs;
    constructor(failure) {
        const { dist, status, indexMessage, url, hint } = failure;
        super(`Uploading ${dist.filename} failed: ${status ? `HTTP ${status}: ` : ''}${indexMessage} (${url})` +
            (hint ? `\n${hint}` : ''));
        this.name = 'UploadError';
        this.dist = dist;
        this.status = status;
        this.indexMessage = indexMessage;
        this.url = url;
        this.hint = hint;
        this.alreadyExists = failure.alreadyExists ?? false;
        this.retryAfterMs = failure.retryAfterMs;
    }
}
const MAX_SAME_HOST_REDIRECTS = 3;
/**
 * Indexes answer an upload with a line of text, a small JSON document or an error page of a few
 * KiB (PyPI's HTML error pages are the largest); 1 MiB leaves a wide margin. More is not an
 * upload result, and an endless body must not fill the runner's memory.
 */
const UPLOAD_ANSWER_CAP = {
    bytes: 1024 * 1024,
    what: 'the answer to an upload',
    advice: "An index answers an upload with a short message: check that 'repository-url' is the index's " +
        'upload endpoint. The file may have been stored all the same: look at the index before ' +
        "re-running, or re-run with 'skip-existing: true'."
};
/**
 * One attempt at sending one distribution. Resolves when the index stored it (2xx); throws
 * UploadError when the index refused it, NetworkError when no answer came. Retrying, skipping and
 * credentials renewal are the caller's (send.ts).
 */
async function uploadDistribution(http, request, dist, log) {
    const fields = uploadFields(dist, request.extraFields);
    const body = buildMultipartBody(fields, {
        field: 'content',
        filename: dist.filename,
        path: dist.path,
        size: dist.size,
        contentType: 'application/octet-stream',
        onDisk: dist.onDisk,
        sha256: dist.digests.sha256
    }, request.progress, request.bodyMemory);
    const headers = {
        Authorization: basicAuth(request.user, request.password),
        Accept: 'application/json',
        'Content-Type': body.contentType,
        'Content-Length': body.contentLength
    };
    let url = request.url;
    let response;
    for (let hop = 0;; hop++) {
        if (request.verbose) {
            log.info(`POST ${url} (${dist.filename}, ${body.contentLength} bytes, fields: ${fields
                .map(([name]) => name)
                .join(' ')})`);
        }
        try {
            response = await http.request('POST', url, {
                headers,
                body: () => body.open(),
                onSent: chunk => body.sent(chunk),
                cap: UPLOAD_ANSWER_CAP
            });
        }
        catch (error) {
            // The body cut the request itself (the file changed, or could not be read): that, not the
            // "no answer" it caused, is what went wrong, and sending again would not help.
            throw body.failure() ?? error;
        }
        const failure = body.failure();
        if (failure)
            throw failure;
        if (request.verbose) {
            log.info(`← HTTP ${response.status} ${response.statusText}`.trimEnd());
            if (response.body.trim())
                log.info(`← ${excerpt(response.body.trim(), 2000)}`);
        }
        const next = redirectTarget(response, url);
        if (!next)
            break;
        if (new URL(next).origin !== new URL(url).origin || hop >= MAX_SAME_HOST_REDIRECTS) {
            // Never replay credentials to another host; tell the user the right URL instead.
            throw new UploadError({
                dist,
                status: response.status,
                indexMessage: `the index redirected the upload to ${next}`,
                url,
                hint: `Set 'repository-url' to the upload URL itself (${next}). Credentials are not sent to another host.`
            });
        }
        if (request.onRedirect)
            request.onRedirect(url, next);
        else
            log.warning(`${url} redirected to ${next}; following it on the same host.`);
        url = next;
    }
    if (response.status >= 200 && response.status < 300) {
        // A stored upload's answer is not read further: its words matter only when it is refused.
        if (isHtmlPage(response)) {
            // PyPI answers a form it does not take as an upload with its HTML page and a 200.
            throw new UploadError({
                dist,
                status: response.status,
                indexMessage: 'the index answered with an HTML page, not an upload result: the URL is probably not an upload endpoint',
                url,
                hint: hintFor(405, indexMessage(response), url)
            });
        }
        return;
    }
    const message = indexMessage(response);
    throw new UploadError({
        dist,
        status: response.status,
        indexMessage: message,
        url,
        hint: hintFor(response.status, message, url),
        alreadyExists: isAlreadyExists(response, message),
        retryAfterMs: retryAfterMs(response)
    });
}
function redirectTarget(response, url) {
    if (![301, 302, 303, 307, 308].includes(response.status))
        return undefined;
    const location = response.headers.location;
    return location ? new URL(location, url).toString() : undefined;
}
/**
 * Indexes answer a stored upload with an empty body, "OK" or JSON (GitLab: 201). A whole HTML
 * document is what PyPI sends for a form it did not take as an upload (no `:action`): nothing stored.
 */
function isHtmlPage(response) {
    return /<html[\s>]/i.test(response.body) && /<\/html>/i.test(response.body);
}

;// CONCATENATED MODULE: ./src/upload/retry.ts



/**
 * What a failure means for retrying. Network failures and 5xx answers are ambiguous: the index
 * (or the proxy in front of it) may have stored the file before the answer was lost, so the
 * caller asks the index before sending again. A connection that was never opened is not: reading
 * the index then would only wait on the same unreachable host. 429 is the index asking us to
 * slow down. An untrusted certificate or a proxy that wants credentials does not heal by waiting.
 */
function classifyFailure(error) {
    // An answer larger than any upload result: the same index would answer the same way again.
    if (error instanceof AnswerTooLargeError)
        return 'final';
    // A deadline passed (an index trickling its answer) is like the inactivity timeout: ambiguous.
    if (error instanceof NetworkError) {
        if (error.final)
            return 'final';
        return error.unsent ? 'unsent' : 'ambiguous';
    }
    if (error instanceof UploadError) {
        if (error.status === 429)
            return 'rate-limited';
        if (error.status >= 500 && error.status <= 599)
            return 'ambiguous';
    }
    return 'final';
}

;// CONCATENATED MODULE: ./src/upload/send.ts








/**
 * Gets one distribution onto the index: sends it, renews an expired trusted-publishing token,
 * retries transient failures with backoff, and after an ambiguous failure asks the index whether
 * the file is already there before sending again, so a file is never uploaded twice and never
 * reported uploaded without a 2xx or the index listing it with our sha256.
 */
async function sendDistribution(ctx, dist) {
    const { log } = ctx;
    const now = ctx.now ?? Date.now;
    const sleep = ctx.sleep ?? backoff_sleep;
    const startedAt = now();
    const extraFields = ctx.extraFields?.(dist) ?? [];
    const progress = progressReporter(dist.filename, log, ctx.progress);
    for (let attempt = 1;; attempt++) {
        try {
            await withCurrentToken(ctx.tokens, (user, password) => uploadDistribution(ctx.http, {
                url: ctx.url,
                user,
                password,
                verbose: ctx.verbose,
                extraFields,
                progress,
                bodyMemory: ctx.bodyMemory,
                onRedirect: (from, to) => followRedirect(ctx, from, to)
            }, dist, log), error => error instanceof UploadError && isExpiredTokenResponse(error.status, error.indexMessage));
            return { status: 'uploaded', attempts: attempt };
        }
        catch (error) {
            if (error instanceof UploadError && error.alreadyExists) {
                const listed = await hashOnIndex(ctx, dist);
                if (listed === dist.digests.sha256) {
                    if (attempt > 1) {
                        // Our own earlier attempt stored it; its answer was lost.
                        return { status: 'uploaded', attempts: attempt, confirmedOnIndex: true };
                    }
                    // The identical file is there already: the state the user asked for (PyPI itself
                    // answers 200 to an identical re-upload; other indexes refuse it).
                    return {
                        status: 'skipped',
                        attempts: attempt,
                        reason: error.indexMessage,
                        sameHash: true
                    };
                }
                if (ctx.skipExisting) {
                    return {
                        status: 'skipped',
                        attempts: attempt,
                        reason: error.indexMessage,
                        sameHash: listed === undefined ? undefined : false
                    };
                }
                throw error;
            }
            if (error instanceof AnswerTooLargeError) {
                // The index took the whole upload and then answered with more than an upload result can
                // be: it may have stored the file. Asked once; re-sending to an index that answers like
                // this would not help, so this is never retried.
                if ((await hashOnIndex(ctx, dist)) === dist.digests.sha256) {
                    log.warning(`${dist.filename}: ${error.message} The index lists it with our sha256.`);
                    return { status: 'uploaded', attempts: attempt, confirmedOnIndex: true };
                }
                throw error;
            }
            const kind = classifyFailure(error);
            if (kind === 'final')
                throw error;
            // Asked before giving up too: the last attempt (or the only one, with `retries: 0`) may
            // have stored the file, and then it is uploaded whatever the answer said.
            if (kind === 'ambiguous') {
                const listed = await hashOnIndex(ctx, dist);
                if (listed === dist.digests.sha256) {
                    log.info(`${dist.filename}: the index has it (sha256 matches) although the answer was lost`);
                    return { status: 'uploaded', attempts: attempt, confirmedOnIndex: true };
                }
                if (listed) {
                    throw new UploadError({
                        dist,
                        status: 0,
                        indexMessage: `after a lost answer the index lists ${dist.filename} with sha256 ${listed}, not ${dist.digests.sha256}`,
                        url: ctx.url,
                        hint: 'Another upload of this name reached the index. Check what was published before re-running.'
                    });
                }
            }
            if (attempt > ctx.retry.retries)
                throw gaveUp(error, attempt, now() - startedAt);
            const delay = backoffDelay(attempt, ctx.retry, error instanceof UploadError ? error.retryAfterMs : undefined);
            // The bound is on when a retry starts: a retry that would start past it is not waited for
            // (checking before the wait alone let the last backoff run the total past the bound).
            const elapsed = now() - startedAt;
            if (elapsed + delay > ctx.retry.maxTotalMs)
                throw gaveUp(error, attempt, elapsed);
            // A retry that recovers is not a problem worth an annotation: only the final failure is.
            log.info(`${dist.filename}: ${shortReason(error)}; retry ${attempt} of ${ctx.retry.retries} in ${(delay / 1000).toFixed(1)} s`);
            await sleep(delay);
        }
    }
}
/**
 * The index moved the upload URL on the same host (PyPI: `/legacy` → `/legacy/`): later uploads go
 * straight there, and the user hears about it once.
 */
function followRedirect(ctx, from, to) {
    if (ctx.url !== from)
        return;
    ctx.url = to;
    ctx.log.warning(`${from} redirected to ${to}; following it on the same host. Set 'repository-url: ${to}' to skip the detour.`);
}
/** The sha256 the index lists for this file: undefined when not listed or unreadable. */
async function hashOnIndex(ctx, dist) {
    if (!ctx.simpleUrl)
        return undefined;
    try {
        const page = await readSimplePage(ctx.http, ctx.simpleUrl, dist.name, {
            authorization: ctx.simpleAuth
        });
        if (!page.found)
            return undefined;
        return page.files.get(dist.filename) || undefined;
    }
    catch (error) {
        // An oversized page is the index's configuration, worth a word; other failures are transient.
        if (error instanceof AnswerTooLargeError)
            ctx.log.warning(error.message);
        else
            ctx.log.debug(`Could not read ${ctx.simpleUrl} for ${dist.name}: ${String(error)}`);
        return undefined;
    }
}
function shortReason(error) {
    if (error instanceof UploadError)
        return `HTTP ${error.status}: ${error.indexMessage}`;
    if (error instanceof NetworkError)
        return error.message;
    return String(error);
}
function gaveUp(error, attempts, elapsedMs) {
    const note = ` (gave up after ${attempts} ${attempts === 1 ? 'attempt' : 'attempts'} in ${Math.round(elapsedMs / 1000)} s)`;
    if (error instanceof UploadError) {
        return new UploadError({
            dist: error.dist,
            status: error.status,
            indexMessage: error.indexMessage + note,
            url: error.url,
            hint: error.hint,
            alreadyExists: error.alreadyExists,
            retryAfterMs: error.retryAfterMs
        });
    }
    if (error instanceof Error) {
        error.message += note;
        return error;
    }
    return new Error(String(error) + note);
}

;// CONCATENATED MODULE: ./src/upload/upload-all.ts




/**
 * Uploads the distributions, `concurrency` at a time. The first file of each project goes alone,
 * because it may create the project or the release and PyPI takes the release's metadata from
 * it; the project's other files follow in parallel. On the first hard failure no new upload
 * starts (those in flight finish), so every file ends with a result that says what happened.
 */
async function publishAll(given, dists, concurrency) {
    // The run's small bodies share memory: about `concurrency` buffers in all, not one per file.
    const ctx = { ...given, bodyMemory: given.bodyMemory ?? new ReadBuffers() };
    const { log } = ctx;
    const files = dists.map(dist => ({ dist, status: 'not-attempted' }));
    let failure;
    // Each project's first upload, as a promise its other files wait for.
    const firstOfProject = new Map();
    const queue = [...files];
    const uploadOne = async (result) => {
        const { dist } = result;
        try {
            const outcome = await sendDistribution(ctx, dist);
            result.attempts = outcome.attempts;
            if (outcome.status === 'uploaded') {
                result.status = 'uploaded';
                const note = outcome.confirmedOnIndex
                    ? ', confirmed on the index'
                    : outcome.attempts > 1
                        ? ` after ${outcome.attempts} attempts`
                        : '';
                log.info(`✔ ${dist.filename} uploaded (${formatSize(dist.size)}${note})`);
            }
            else {
                result.status = 'skipped';
                result.message = outcome.reason;
                result.sameHash = outcome.sameHash;
                if (outcome.sameHash === false) {
                    log.warning(`${dist.filename} is already on the index with DIFFERENT content (its sha256 is not ${dist.digests.sha256}). ` +
                        'It was skipped and the index keeps its own file. Bump the version if this build should be published.', dist.path);
                }
                else {
                    log.info(`↷ ${dist.filename} already on the index; skipped` +
                        (outcome.sameHash ? ' (identical sha256)' : ' (its hash could not be compared)'));
                }
            }
            return true;
        }
        catch (error) {
            result.status = 'failed';
            const err = error instanceof Error ? error : new Error(String(error));
            result.message = 'indexMessage' in err ? String(err.indexMessage) : err.message;
            log.error(err.message, dist.path);
            failure ??= err;
            return false;
        }
    };
    const worker = async () => {
        for (let next = queue.shift(); next && !failure; next = queue.shift()) {
            const project = normalizeName(next.dist.name);
            const first = firstOfProject.get(project);
            if (first === undefined) {
                const result = next;
                firstOfProject.set(project, uploadOne(result));
                await firstOfProject.get(project);
            }
            else if (await first) {
                if (!failure)
                    await uploadOne(next);
            }
        }
    };
    await Promise.all(Array.from({ length: Math.max(1, concurrency) }, worker));
    return { files, failure };
}

;// CONCATENATED MODULE: ./src/pipeline/dry-run.ts







/**
 * Goes as far as it can without sending a file or spending a token (credential choice, the
 * index's trusted-publishing audience, each upload form), saying where and as whom, no secret.
 */
async function dryRunChecks(settings, deps, http, dists) {
    const { log } = deps;
    const choice = chooseCredential(settings, deps.run, deps.ambient);
    const where = `Dry run: would upload ${dists.length} file(s) to ${settings.repositoryUrl}`;
    if (choice.method === 'trusted-publishing') {
        const audience = await fetchAudience(http, settings.repositoryUrl, {
            policy: { ...DEFAULT_RETRY_POLICY, ...settings.retry },
            log
        });
        const claims = await idTokenClaims(deps, audience);
        log.info(`${where} with trusted publishing as ${describeIdentity(claims, deps.run)}. ` +
            `The index offers trusted publishing (audience '${audience}'); no token was minted.`);
    }
    else {
        log.info(choice.user === '__token__'
            ? `${where} with the given API token (user '__token__'; the token is not shown).`
            : `${where} as user '${choice.user}' with the given password (not shown).`);
    }
    for (const dist of dists) {
        const fields = uploadFields(dist);
        log.info(`Dry run: would upload ${dist.filename} (${formatSize(dist.size)}, ${fields.length} form fields)`);
    }
}
/** The claims of a fresh ID token for the audience, masked first; undefined without a fetcher. */
async function idTokenClaims(deps, audience) {
    if (!deps.getIdToken)
        return undefined;
    const idToken = await deps.getIdToken(audience);
    deps.onSecret?.(idToken);
    return decodeClaims(idToken);
}
/** What a trusted publisher is matched on, from the ID token if any, else from the run. */
function describeIdentity(claims, run) {
    const text = (name) => typeof claims?.[name] === 'string' && claims[name] !== '' ? claims[name] : undefined;
    // GitLab's publisher matches the project and the CI file of ci_config_ref_uri.
    const project = text('project_path');
    if (project) {
        const ciFile = /\/\/([^@]+)@/.exec(text('ci_config_ref_uri') ?? '')?.[1];
        const environment = text('environment');
        return (`GitLab project ${project}, CI file ${ciFile ?? '(unknown)'}, ` +
            `${environment ? `environment ${environment}` : 'no environment'} (from the job's ID token)`);
    }
    const repository = text('repository') ?? run.repository;
    const workflow = parseWorkflowRef(text('job_workflow_ref') ?? run.workflowRef);
    const environment = text('environment');
    const parts = [
        `repository ${repository ?? '(unknown)'}`,
        `workflow ${workflow ? workflow.filename : '(unknown)'}`
    ];
    if (claims)
        parts.push(environment ? `environment ${environment}` : 'no environment');
    return parts.join(', ') + (claims ? " (from the job's ID token)" : '');
}

;// CONCATENATED MODULE: ./src/index-api/verify.ts



/**
 * Reads the index back until every file is listed with the local sha256, or the time is up. A 200
 * is not proof that a file was stored (PyPI answers 200 with an HTML page to a form without
 * `:action`), and users of other tools needed a script of their own to check a release landed.
 */
async function verifyOnIndex(dists, options) {
    const now = options.now ?? Date.now;
    const sleep = options.sleep ?? backoff_sleep;
    const deadline = now() + options.timeoutMs;
    const bound = `verify-timeout (${verify_seconds(options.timeoutMs)} s)`;
    // Each read is cut at the deadline, so the read-back ends by it even when the index stalls or
    // trickles a page (a request's own deadline is minutes). verify-timeout 0 asks for one read
    // and no waiting: that read has only the request's own deadline.
    const timeLimit = () => options.timeoutMs > 0 ? { ms: deadline - now(), reason: `${bound} ran out` } : undefined;
    // The last read starts this long before the deadline: one starting at it would be cut at once.
    const finalRead = Math.min(FINAL_READ_MS, options.timeoutMs / 10);
    const pending = new Map(dists.map(d => [d.filename, d]));
    const seen = new Map(); // filename → last sha256 listed
    const lastError = new Map(); // project → why its last read failed
    const unverifiable = [];
    let wait = 1000;
    for (let round = 1;; round++) {
        // One read per project: an sdist and a wheel may spell the name differently.
        const projects = new Set([...pending.values()].map(d => normalizeName(d.name)));
        for (const project of projects) {
            const limit = timeLimit();
            if (limit && limit.ms <= 0)
                break;
            const page = await readSimplePage(options.http, options.simpleUrl, project, {
                authorization: options.authorization,
                timeLimit: limit,
                now
            }).catch((error) => {
                lastError.set(project, error instanceof Error ? error.message : String(error));
                options.log.debug(`Reading ${options.simpleUrl} for ${project} failed: ${String(error)}`);
                return undefined;
            });
            if (page)
                lastError.delete(project);
            if (!page?.found)
                continue;
            for (const dist of [...pending.values()].filter(d => normalizeName(d.name) === project)) {
                const listed = page.files.get(dist.filename);
                if (listed === undefined)
                    continue;
                seen.set(dist.filename, listed);
                if (listed === '')
                    unverifiable.push(dist);
                // Listed with another hash: no amount of waiting changes that, so stop reading for it.
                pending.delete(dist.filename);
            }
        }
        const left = deadline - now();
        if (pending.size === 0 || left <= finalRead)
            break;
        // The last wait is cut so the final read starts just before the deadline: the whole allowed
        // time is used, and that read can still finish by it.
        const next = Math.min(wait, left - finalRead);
        options.log.info(`Waiting for the index to list ${pending.size} file(s) (read ${round}); reading again in ${next / 1000} s`);
        await sleep(next);
        wait = Math.min(wait * 2, 15_000);
    }
    const failed = [];
    const verified = [];
    for (const dist of dists) {
        const listed = seen.get(dist.filename);
        if (listed === undefined) {
            const error = lastError.get(normalizeName(dist.name));
            failed.push({
                dist,
                reason: `not listed on ${options.simpleUrl} after ${Math.round(options.timeoutMs / 1000)} s` +
                    (error ? ` (the last read failed: ${error})` : '')
            });
        }
        else if (listed === dist.digests.sha256) {
            verified.push(dist);
        }
        else if (listed !== '') {
            failed.push({
                dist,
                reason: `listed on ${options.simpleUrl} with sha256 ${listed}, not ${dist.digests.sha256}`,
                listedSha256: listed
            });
        }
    }
    return { verified, unverifiable, failed };
}
/** Time kept for the final read, at most a tenth of the bound. */
const FINAL_READ_MS = 5000;
function verify_seconds(ms) {
    return String(Math.round(ms / 100) / 10);
}

;// CONCATENATED MODULE: ./src/pipeline/index-status.ts


const SAME = 'already on the index with the same sha256';
const NO_REPLACE = 'PyPI never allows a file to be replaced';
/**
 * Each file's status by what the index holds before any upload: our sha256 is skipped (sending it
 * again changes nothing); another sha256 is skipped loudly under `skip-existing`, else a conflict
 * that stops the run. Files of unread pages, or listed without a sha256, stay to be sent.
 */
function statusesBeforeUpload(dists, listings, skipExisting, log) {
    const files = dists.map((dist) => {
        const presence = presenceOf(listings, dist);
        if (presence === 'same') {
            log.info(`↷ ${dist.filename} is already on the index (same sha256); not sent again`);
            return { dist, status: 'skipped', sameHash: true, verified: true, message: SAME };
        }
        if (presence !== 'different')
            return { dist, status: 'not-attempted' };
        const shas = `sha256 ${listedSha256(listings, dist)} there, ${dist.digests.sha256} here`;
        const message = `the index holds a different file under this name (${shas})`;
        if (skipExisting) {
            log.warning(`${dist.filename} is already on the index with DIFFERENT content (${shas}). It was skipped ` +
                'and the index keeps its own file: this build is NOT published. ' +
                `${NO_REPLACE}; bump the version to publish this build.`, dist.path);
            return { dist, status: 'skipped', sameHash: false, message };
        }
        log.error(`${dist.filename}: ${message}. ${NO_REPLACE}, even after it is deleted; bump the version and build again.`, dist.path);
        return { dist, status: 'failed', sameHash: false, message };
    });
    const conflicts = files.filter(f => f.status === 'failed').map(f => f.dist.filename);
    if (conflicts.length === 0)
        return { files };
    const names = `${conflicts.length === 1 ? 'the name' : 'the names'} ${conflicts.join(', ')}`;
    return {
        files,
        failure: new Error(`The index holds a different file under ${names}. ${NO_REPLACE}: bump the version and build ` +
            'again (or set `skip-existing: true` to keep the files on the index and publish the rest). ' +
            'Nothing was uploaded.')
    };
}
/**
 * After an upload ended in an error, reads the index once: a file it holds with our sha256 counts
 * as uploaded despite its answer, and when every file is there the run succeeds.
 */
async function statusesAfterFailure({ files, failure }, index) {
    const { http, simpleUrl, authorization, log } = index;
    const dists = files.map(f => f.dist);
    const listings = await readListings(http, simpleUrl, dists, authorization, log);
    const read = files.map((file) => {
        if (presenceOf(listings, file.dist) !== 'same')
            return file;
        if (file.status === 'failed') {
            log.info(`✔ ${file.dist.filename} is on the index (same sha256) despite the error`);
            return { ...file, status: 'uploaded', verified: true };
        }
        if (file.status === 'not-attempted') {
            return { ...file, status: 'skipped', sameHash: true, verified: true, message: SAME };
        }
        return { ...file, verified: true };
    });
    // Files skipped as the user asked (skip-existing) count as done, as they would without the error.
    if (!read.every(f => f.status === 'uploaded' || f.status === 'skipped')) {
        return { files: read, failure };
    }
    log.info('Every file is on the index: the errors above did not stop the release.');
    return { files: read };
}
/** Reads back every file the index should hold with our sha256 (a file skipped as another build is not ours). */
async function verifyStatuses(files, index, timeoutMs) {
    const { simpleUrl, log } = index;
    const expected = files.filter(f => f.status === 'uploaded' || (f.status === 'skipped' && f.sameHash !== false));
    const found = await log.group(`Reading ${expected.length} file(s) back from ${simpleUrl}`, () => verifyOnIndex(expected.map(f => f.dist), { ...index, timeoutMs }));
    const failedOf = new Map(found.failed.map(f => [f.dist, f]));
    const verified = new Set(found.verified);
    const failed = [];
    const read = files.map((file) => {
        const failure = failedOf.get(file.dist);
        if (failure?.listedSha256 && file.status === 'skipped') {
            // Skipped when the index gave no hash to compare: it holds another build.
            log.warning(`${file.dist.filename} was skipped, and the index holds a DIFFERENT file under this name ` +
                `(sha256 ${failure.listedSha256} there, ${file.dist.digests.sha256} here): this build is ` +
                'NOT published. Bump the version to publish it.', file.dist.path);
            return { ...file, sameHash: false };
        }
        if (failure)
            failed.push(failure);
        if (failure)
            return { ...file, verified: false };
        return verified.has(file.dist) ? { ...file, verified: true } : file;
    });
    for (const dist of found.unverifiable) {
        log.notice(`${dist.filename} is listed on ${simpleUrl}, which gives no sha256 to compare.`);
    }
    const verification = { ...found, failed, simpleUrl };
    if (failed.length > 0) {
        for (const { dist, reason } of failed)
            log.error(`${dist.filename}: ${reason}`, dist.path);
        const what = failed.map(f => `${f.dist.filename} (${f.reason})`).join('; ');
        return {
            files: read,
            verification,
            failure: new Error(`The index does not have what was uploaded: ${what}`)
        };
    }
    const count = found.verified.length;
    const unverifiable = found.unverifiable.length;
    log.info(count === expected.length
        ? `✔ All ${count} file(s) are on the index with the expected sha256.`
        : `✔ ${count} of ${expected.length} file(s) are on the index with the expected sha256` +
            (unverifiable ? `; ${unverifiable} listed without a sha256 to compare.` : '.'));
    return { files: read, verification };
}

;// CONCATENATED MODULE: ./src/pipeline/publish.ts















/**
 * The whole publish: [build] → discover → inspect → check → authenticate → upload → verify.
 * Knows nothing of GitHub Actions; reports through `log`. Throws DistributionError when a file
 * is not fit to publish, before anything is sent.
 */
async function publish(settings, deps) {
    const { log, run } = deps;
    if (settings.build) {
        const built = await buildDistributions({
            workingDirectory: settings.workingDirectory,
            outDir: settings.packagesDir,
            distributions: settings.distributions,
            buildCommand: settings.buildCommand || undefined,
            env: run.childEnv,
            log
        });
        log.info(`Built with \`${built.command}\`: ${built.files.map(f => external_node_path_default().basename(f)).join(', ')}`);
    }
    const { timeoutMs, connectTimeoutMs } = settings;
    const http = new Http({ timeoutMs, connectTimeoutMs, proxy: run.proxy });
    try {
        return await publishWith(http, settings, deps);
    }
    finally {
        http.dispose();
    }
}
async function publishWith(http, settings, deps) {
    const { log, run } = deps;
    const simpleUrl = settings.indexUrl || simpleUrlFor(settings.repositoryUrl);
    const authorization = listingAuthorization(settings, simpleUrl);
    // A re-run sends nothing already there, and another file under the same name stops the run
    // before its first upload. Each project's page is read while the other files are checked.
    const reader = simpleUrl && !settings.dryRun ? new ListingReader(http, simpleUrl, authorization) : undefined;
    const dists = await prepare(settings, log, run, {
        onInspected: reader && (dist => reader.start(dist.name))
    });
    const result = {
        repositoryUrl: settings.repositoryUrl,
        dryRun: settings.dryRun,
        dists,
        files: dists.map(dist => ({ dist, status: 'not-attempted' })),
        attestationPaths: []
    };
    if (settings.dryRun) {
        await dryRunChecks(settings, deps, http, dists);
        return result;
    }
    const tokens = await resolveTokenSource({ ...deps, settings, http });
    const index = simpleUrl
        ? { http, simpleUrl, authorization, log }
        : undefined;
    const listings = reader
        ? await log.group(`Reading what ${simpleUrl} already holds`, () => reader.listings(dists, log))
        : new Map();
    const before = statusesBeforeUpload(dists, listings, settings.skipExisting, log);
    if (before.failure)
        return { ...result, ...before };
    const toSend = before.files.filter(f => f.status === 'not-attempted').map(f => f.dist);
    let sent = before;
    if (toSend.length === 0) {
        log.info('Nothing to upload: every file is on the index already or skipped.');
    }
    else {
        const uploaded = await upload(toSend, tokens, http, index, settings, deps);
        result.attestationPaths = uploaded.attestationPaths;
        const files = before.files.map(f => uploaded.files.find(u => u.dist === f.dist) ?? f);
        sent = { files, failure: uploaded.failure };
        if (uploaded.failure && index) {
            const failed = sent;
            sent = await log.group(`Reading back what reached ${simpleUrl}`, () => statusesAfterFailure(failed, index));
        }
    }
    if (sent.failure)
        return { ...result, ...sent };
    let read;
    if (!settings.verifyUpload) {
        read = { ...sent, verificationSkipped: "'verify-upload' is false" };
    }
    else if (!index) {
        const why = `the simple index of ${settings.repositoryUrl} is not known; set 'index-url' to read the upload back`;
        log.notice(`Upload not read back: ${why}.`);
        read = { ...sent, verificationSkipped: why };
    }
    else {
        read = await verifyStatuses(sent.files, index, settings.verifyTimeoutMs);
    }
    const nudge = trustedPublishingNudge({
        repositoryUrl: settings.repositoryUrl,
        usedToken: tokens.kind === 'token',
        projects: [...new Set(dists.map(d => d.name))],
        run
    });
    if (nudge)
        log.notice(nudge);
    return { ...result, ...read };
}
/** Signs the files (when attesting) and uploads them. */
async function upload(dists, tokens, http, index, settings, deps) {
    const { log, attestation } = deps;
    const attestations = await prepareAttestations(dists, {
        decision: decideAttestations({
            requested: settings.attestations,
            method: tokens.kind,
            repositoryUrl: settings.repositoryUrl,
            indexAcceptsAttestations: attestation?.indexAcceptsAttestations
        }),
        signer: {
            // Sigstore's ID token is a secret like the others: redacted from everything printed.
            getIdToken: async (audience) => {
                const token = await deps.getIdToken(audience);
                deps.onSecret(token);
                return token;
            },
            fulcioUrl: attestation?.fulcioUrl,
            rekorUrl: attestation?.rekorUrl
        },
        outputDir: () => (0,promises_.mkdtemp)(external_node_path_default().join(deps.run.tempDir, 'pypi-publish-attestations-')),
        log
    });
    const sent = await log.group(`Uploading ${dists.length} file(s) to ${settings.repositoryUrl}`, () => publishAll({
        http,
        url: settings.repositoryUrl,
        tokens,
        skipExisting: settings.skipExisting,
        verbose: settings.verbose,
        simpleUrl: index?.simpleUrl,
        simpleAuth: index?.authorization,
        retry: { ...DEFAULT_RETRY_POLICY, ...settings.retry },
        extraFields: dist => {
            const prepared = attestations.get(dist.filename);
            return prepared ? [attestationsField(prepared)] : [];
        },
        log
    }, dists, settings.concurrency));
    return { ...sent, attestationPaths: [...attestations.values()].map(a => a.path) };
}
/**
 * Simple pages on the upload's host of a self-hosted index often need the same credentials
 * (Nexus, Artifactory, GitLab); another host (pypi.org for upload.pypi.org) never gets them.
 */
function listingAuthorization(settings, simpleUrl) {
    // Credentials written in index-url are for index-url (and sent nowhere else).
    const given = settings.indexCredentials;
    if (given)
        return basicAuth(given.user, given.password);
    // The upload's own password, only to the upload's origin (a minted token is never sent there).
    if (!simpleUrl || !settings.password)
        return undefined;
    if (new URL(simpleUrl).origin !== new URL(settings.repositoryUrl).origin)
        return undefined;
    return basicAuth(settings.user, settings.password);
}

;// CONCATENATED MODULE: ./src/settings/inputs.ts
/**
 * Every input name and its documented default, in one place. action.yml declares the same defaults;
 * a test keeps the two in step. The defaults are applied in code too because runners other than
 * GitHub's (local-action tools, other CI systems) leave unset inputs empty.
 */
const Inputs = {
    User: 'user',
    Password: 'password',
    Token: 'token',
    RepositoryUrl: 'repository-url',
    Repository: 'repository',
    PackagesDir: 'packages-dir',
    Distributions: 'distributions',
    VerifyMetadata: 'verify-metadata',
    SkipExisting: 'skip-existing',
    Verbose: 'verbose',
    PrintHash: 'print-hash',
    Attestations: 'attestations',
    Concurrency: 'concurrency',
    Retries: 'retries',
    RetryMaxTime: 'retry-max-time',
    ConnectTimeout: 'connect-timeout',
    Timeout: 'timeout',
    VerifyUpload: 'verify-upload',
    VerifyTimeout: 'verify-timeout',
    IndexUrl: 'index-url',
    VerifyTag: 'verify-tag',
    AllowMultipleVersions: 'allow-multiple-versions',
    DryRun: 'dry-run',
    Build: 'build',
    BuildCommand: 'build-command',
    WorkingDirectory: 'working-directory'
};
const PYPI_UPLOAD_URL = 'https://upload.pypi.org/legacy/';
const TESTPYPI_UPLOAD_URL = 'https://test.pypi.org/legacy/';
/** Defaults as documented in action.yml. An input without an entry has no default (empty). */
const INPUT_DEFAULTS = {
    [Inputs.User]: '__token__',
    [Inputs.RepositoryUrl]: PYPI_UPLOAD_URL,
    [Inputs.PackagesDir]: 'dist',
    [Inputs.Distributions]: 'sdist wheel',
    [Inputs.VerifyMetadata]: 'true',
    [Inputs.SkipExisting]: 'false',
    [Inputs.Verbose]: 'false',
    [Inputs.PrintHash]: 'false',
    [Inputs.Attestations]: 'true',
    [Inputs.Concurrency]: '16',
    [Inputs.Retries]: '5',
    [Inputs.RetryMaxTime]: '600',
    [Inputs.ConnectTimeout]: '30',
    [Inputs.Timeout]: '120',
    [Inputs.VerifyUpload]: 'true',
    [Inputs.VerifyTimeout]: '120',
    [Inputs.VerifyTag]: 'true',
    [Inputs.AllowMultipleVersions]: 'false',
    [Inputs.DryRun]: 'false',
    [Inputs.Build]: 'false',
    [Inputs.WorkingDirectory]: '.'
};
/**
 * The official action's snake_case spellings, still accepted so that switching is a one-line change.
 * They have no default in action.yml, so a non-empty value always means the user wrote it.
 */
const DEPRECATED_ALIASES = {
    [Inputs.RepositoryUrl]: 'repository_url',
    [Inputs.PackagesDir]: 'packages_dir',
    [Inputs.VerifyMetadata]: 'verify_metadata',
    [Inputs.SkipExisting]: 'skip_existing',
    [Inputs.PrintHash]: 'print_hash'
};
const Outputs = {
    Uploaded: 'uploaded',
    Skipped: 'skipped',
    ProjectName: 'project-name',
    ProjectVersion: 'project-version',
    Projects: 'projects',
    Verified: 'verified',
    AttestationPaths: 'attestation-paths'
};

;// CONCATENATED MODULE: ./src/settings/secrets.ts

/** twine's variables in an environment (the settings decide whether they apply). */
function twineVariables(env) {
    return {
        TWINE_USERNAME: env.TWINE_USERNAME,
        TWINE_PASSWORD: env.TWINE_PASSWORD,
        TWINE_REPOSITORY_URL: env.TWINE_REPOSITORY_URL
    };
}
/**
 * The secrets among the inputs and twine's variables: the password/token inputs,
 * TWINE_PASSWORD, and a password written in a URL input or TWINE_REPOSITORY_URL
 * (`https://user:pass@host/`, also as written, percent-encoded). `others` are secrets the entry
 * knows of itself (a runner's own tokens); they are listed with the same user. TWINE_* count
 * even when the settings ignore them: the job's environment holds them either way.
 */
function givenSecrets(read, twine, others = []) {
    const user = read(Inputs.User).trim() || twine.TWINE_USERNAME?.trim() || undefined;
    const found = [];
    const values = [read(Inputs.Password), read(Inputs.Token), twine.TWINE_PASSWORD, ...others];
    for (const value of values) {
        const secret = value?.trim();
        if (secret)
            found.push({ secret, user });
    }
    const urls = [
        read(Inputs.RepositoryUrl),
        read(DEPRECATED_ALIASES[Inputs.RepositoryUrl] ?? 'repository_url'),
        read(Inputs.IndexUrl),
        read('index_url'),
        twine.TWINE_REPOSITORY_URL ?? ''
    ];
    for (const url of urls) {
        const credentials = urlCredentials(url.trim());
        if (!credentials?.password)
            continue;
        found.push({ secret: credentials.password, user: credentials.user });
        // As written (percent-encoded), too: that is how it appears in the URL itself.
        if (credentials.rawPassword !== credentials.password) {
            found.push({ secret: credentials.rawPassword });
        }
    }
    return found;
}
/**
 * The `user:password` written in a URL, decoded, or undefined. Read with a pattern as well as
 * `new URL`, so that a URL too broken to parse still gives up its password to be hidden.
 */
function urlCredentials(url) {
    const text = url.trim();
    // A password pasted unencoded (base64 holds '/') makes the URL unparsable: its userinfo then
    // runs to the last '@', so the whole password is hidden, not the part before its '/'.
    const match = (URL.canParse(text) ? /^[a-z][a-z0-9+.-]*:\/\/([^/?#]*)@/i : /^[a-z][a-z0-9+.-]*:\/\/(.*)@/is).exec(text);
    if (!match)
        return undefined;
    const userinfo = match[1];
    const colon = userinfo.indexOf(':');
    const rawUser = colon < 0 ? userinfo : userinfo.slice(0, colon);
    const rawPassword = colon < 0 ? '' : userinfo.slice(colon + 1);
    return { user: decode(rawUser), password: decode(rawPassword), rawPassword };
}
function decode(text) {
    try {
        return decodeURIComponent(text);
    }
    catch {
        return text;
    }
}

;// CONCATENATED MODULE: ./src/auth/token-shape.ts

/**
 * Whether a password can be a PyPI API token, checked before anything is sent: PyPI would answer
 * a bare 403, and a release waits on someone reading it. The message says what is wrong without
 * the token: at most its first four characters, and only when it is not a PyPI token at all.
 */
const TOKEN_PREFIX = 'pypi-';
/** Other services' token prefixes people paste by mistake. */
const FOREIGN_PREFIXES = [
    ['github_pat_', 'a GitHub fine-grained personal access token'],
    ['ghp_', 'a GitHub personal access token'],
    ['gho_', 'a GitHub OAuth token'],
    ['ghu_', 'a GitHub App user token'],
    ['ghs_', 'a GitHub App or GITHUB_TOKEN installation token'],
    ['ghr_', 'a GitHub refresh token'],
    ['glpat-', 'a GitLab personal access token'],
    ['eyJ', 'a JWT (such as a GitHub ID token)']
];
/** Shown only when the value is long enough that four characters give nothing useful away. */
const SHOW_PREFIX_FROM_LENGTH = 16;
/**
 * undefined when `token` (already trimmed of surrounding whitespace) can be a token for `target`;
 * otherwise what is wrong. `source` names where it came from (`the 'password' input`).
 */
function pypiTokenProblem(token, target, source) {
    const index = target === 'pypi' ? 'PyPI' : 'TestPyPI';
    const fix = `Create an API token at https://${TOKEN_LOCATIONS[target]}/manage/account/token/ and store ` +
        'it whole (it starts with pypi-) as the secret, or leave the password out and use trusted ' +
        'publishing.';
    const lineBreak = /[\r\n]/.test(token);
    if (lineBreak || /\s/.test(token)) {
        return (`${token_shape_capitalize(source)} contains ${lineBreak ? 'a line break' : 'whitespace'}, so it cannot be ` +
            `a ${index} API token (one line, no spaces). The secret probably holds more than the token ` +
            `(a label, a second line, or a token split when copied): store only the token. ${fix}`);
    }
    if (!token.startsWith(TOKEN_PREFIX)) {
        return `${token_shape_capitalize(source)} ${describeForeign(token)}, so it is not a ${index} API token (those start with 'pypi-'). ${index} accepts only API tokens. ${fix}`;
    }
    if (token.length === TOKEN_PREFIX.length) {
        return `${token_shape_capitalize(source)} is only 'pypi-', without the token itself. ${fix}`;
    }
    const location = macaroonLocation(token.slice(TOKEN_PREFIX.length));
    const other = Object.keys(TOKEN_LOCATIONS).find(t => t !== target && TOKEN_LOCATIONS[t] === location);
    if (other) {
        return (`${token_shape_capitalize(source)} is a token for ${location}, but the upload goes to ` +
            `${TOKEN_LOCATIONS[target]}. PyPI and TestPyPI are separate sites with separate accounts and ` +
            `tokens. ${fix}`);
    }
    return undefined;
}
function describeForeign(token) {
    const foreign = FOREIGN_PREFIXES.find(([prefix]) => token.startsWith(prefix));
    if (token.length < SHOW_PREFIX_FROM_LENGTH) {
        return foreign
            ? `looks like ${foreign[1]}`
            : `is ${token.length} characters long and does not start with 'pypi-'`;
    }
    const shown = `starts with '${token.slice(0, 4)}'`;
    if (foreign)
        return `${shown}, which is ${foreign[1]}`;
    if (/^pypi[_.:]/i.test(token) || /^pypi-/i.test(token)) {
        return `${shown}, not 'pypi-' (the prefix is lowercase, followed by a hyphen)`;
    }
    if (/^["']/.test(token))
        return `${shown}: it is wrapped in quotes; store the token without them`;
    return shown;
}
/**
 * The location of a PyPI token's macaroon (`pypi.org`, `test.pypi.org`), read from its first
 * field (version 2 binary format: 0x02, field type 0x01, length, bytes); undefined when it cannot
 * be read. Only used to catch a PyPI token sent to TestPyPI or the other way round.
 */
function macaroonLocation(body) {
    let bytes;
    try {
        bytes = Buffer.from(body.slice(0, 64), 'base64url');
    }
    catch {
        return undefined;
    }
    if (bytes.length < 3 || bytes[0] !== 0x02 || bytes[1] !== 0x01)
        return undefined;
    const length = bytes[2];
    if (length === 0 || length > 64 || bytes.length < 3 + length)
        return undefined;
    const location = bytes.subarray(3, 3 + length).toString('latin1');
    return /^[a-z0-9.-]+$/.test(location) ? location : undefined;
}
function token_shape_capitalize(text) {
    return text.charAt(0).toUpperCase() + text.slice(1);
}

;// CONCATENATED MODULE: ./src/settings/settings.ts



class SettingsError extends Error {
    constructor(message) {
        super(message);
        this.name = 'SettingsError';
    }
}
/** The variables twine reads that would change where an upload goes or who makes it. */
const TWINE_VARIABLES = ['TWINE_USERNAME', 'TWINE_PASSWORD', 'TWINE_REPOSITORY_URL'];
const REPOSITORY_SHORTHANDS = {
    pypi: PYPI_UPLOAD_URL,
    testpypi: TESTPYPI_UPLOAD_URL
};
const TRUE_VALUES = new Set(['true', 'True', 'TRUE', 'yes', 'on', '1']);
const FALSE_VALUES = new Set(['false', 'False', 'FALSE', 'no', 'off', '0']);
/**
 * Builds the settings. Precedence for each input: a value the user wrote (kebab-case, or the
 * deprecated snake_case spelling) > the documented default. Inside GitHub Actions
 * (`insideActions`: the entry saw GITHUB_ACTIONS=true) that is all: a job's environment often
 * carries TWINE_* variables for other steps, and an input left at its default cannot be told
 * from one never written, so they
 * must not redirect an upload or replace trusted publishing; a notice says they were ignored.
 * Elsewhere (other CI systems, a command line) TWINE_USERNAME, TWINE_PASSWORD and
 * TWINE_REPOSITORY_URL fill in what the inputs leave at their defaults, as twine reads them.
 */
function readSettings(read, environment = {}) {
    const warnings = [];
    const notices = [];
    const inActions = environment.insideActions === true;
    const found = environment.twine ?? {};
    const twine = inActions ? {} : found;
    const ignored = inActions ? TWINE_VARIABLES.filter(name => found[name]?.trim()) : [];
    if (ignored.length > 0) {
        notices.push(`Ignored ${ignored.join(', ')} from the job's environment: inside GitHub Actions this ` +
            "step's inputs decide where to upload and how to authenticate. To use them, pass them as " +
            'inputs (e.g. `password: ${{ secrets.PYPI_API_TOKEN }}`, `repository-url: ...`).');
    }
    const raw = (name) => {
        const alias = DEPRECATED_ALIASES[name];
        const aliasValue = alias ? read(alias).trim() : '';
        const value = read(name).trim();
        if (aliasValue) {
            warnings.push(`The input '${alias}' is deprecated; use '${name}' instead (same meaning).` +
                (value && value !== INPUT_DEFAULTS[name] && value !== aliasValue
                    ? ` Both are set; '${alias}' wins because '${name}' may only hold its default.`
                    : ''));
            return aliasValue;
        }
        if (value && value !== INPUT_DEFAULTS[name])
            return value;
        return undefined;
    };
    const withDefault = (name) => raw(name) ?? INPUT_DEFAULTS[name] ?? '';
    const bool = (name) => {
        const value = withDefault(name);
        if (TRUE_VALUES.has(value))
            return true;
        if (FALSE_VALUES.has(value))
            return false;
        throw new SettingsError(`The input '${name}' must be true or false, not '${value}'. Write \`${name}: true\` or \`${name}: false\`.`);
    };
    const seconds = (name, min, max) => integer(name, withDefault(name), min, max) * 1000;
    const given = readPassword(read);
    const password = given.value || twine.TWINE_PASSWORD?.trim() || '';
    const writtenUser = raw(Inputs.User) ?? twine.TWINE_USERNAME?.trim();
    const repository = settings_withoutCredentials(resolveRepositoryUrl(raw(Inputs.RepositoryUrl), read(Inputs.Repository), twine));
    const index = settings_withoutCredentials(optionalUrl(Inputs.IndexUrl, read(Inputs.IndexUrl)));
    // As twine (through requests) does: credentials in the URL are used when no others are given.
    const fromUrl = password ? undefined : repository.credentials;
    const user = writtenUser || fromUrl?.user || INPUT_DEFAULTS[Inputs.User] || '';
    checkPypiToken(repository.url, {
        password: password || fromUrl?.password || '',
        blank: given.blank,
        source: given.value
            ? `the '${given.input}' input`
            : password
                ? 'TWINE_PASSWORD'
                : "the password in 'repository-url'"
    });
    return {
        settings: {
            user: user || '__token__',
            password: password || fromUrl?.password || '',
            repositoryUrl: repository.url,
            repositoryCredentials: repository.credentials,
            packagesDir: withDefault(Inputs.PackagesDir),
            distributions: parseDistributions(withDefault(Inputs.Distributions)),
            verifyMetadata: bool(Inputs.VerifyMetadata),
            skipExisting: bool(Inputs.SkipExisting),
            verbose: bool(Inputs.Verbose),
            printHash: bool(Inputs.PrintHash),
            attestations: bool(Inputs.Attestations),
            concurrency: integer(Inputs.Concurrency, withDefault(Inputs.Concurrency), 1, 32),
            retry: {
                retries: integer(Inputs.Retries, withDefault(Inputs.Retries), 0, 20),
                maxTotalMs: seconds(Inputs.RetryMaxTime, 0, 6 * 3600)
            },
            connectTimeoutMs: seconds(Inputs.ConnectTimeout, 1, 600),
            timeoutMs: seconds(Inputs.Timeout, 1, 3600),
            verifyUpload: bool(Inputs.VerifyUpload),
            verifyTimeoutMs: seconds(Inputs.VerifyTimeout, 0, 3600),
            indexUrl: index.url,
            indexCredentials: index.credentials,
            verifyTag: bool(Inputs.VerifyTag),
            allowMultipleVersions: bool(Inputs.AllowMultipleVersions),
            dryRun: bool(Inputs.DryRun),
            build: bool(Inputs.Build),
            buildCommand: read(Inputs.BuildCommand).trim(),
            workingDirectory: withDefault(Inputs.WorkingDirectory)
        },
        warnings,
        notices
    };
}
/**
 * `token` is the name we document; `password` is the official action's. They mean the same.
 * `blank` names an input that holds only whitespace (a secret that is a stray newline).
 */
function readPassword(read) {
    const rawToken = read(Inputs.Token);
    const rawPassword = read(Inputs.Password);
    const token = rawToken.trim();
    const password = rawPassword.trim();
    if (token && password && token !== password) {
        throw new SettingsError("Both 'token' and 'password' are set to different values. They mean the same thing: keep one.");
    }
    const blank = !token && rawToken ? Inputs.Token : !password && rawPassword ? Inputs.Password : '';
    return {
        value: token || password,
        input: token ? Inputs.Token : Inputs.Password,
        blank: token || password ? undefined : blank || undefined
    };
}
/** For PyPI and TestPyPI, a password that cannot be an API token stops the run before any request. */
function checkPypiToken(repositoryUrl, given) {
    const target = pypiTarget(repositoryUrl);
    if (!target)
        return;
    if (given.blank) {
        throw new SettingsError(`The '${given.blank}' input holds only whitespace, so there is no token to upload with. ` +
            'Store the API token itself in the secret, or remove the input to use trusted publishing.');
    }
    const problem = given.password && pypiTokenProblem(given.password, target, given.source);
    if (problem)
        throw new SettingsError(problem);
}
function resolveRepositoryUrl(written, shorthand, twine) {
    const name = shorthand.trim().toLowerCase();
    let url;
    if (name) {
        const fromShorthand = REPOSITORY_SHORTHANDS[name];
        if (!fromShorthand) {
            throw new SettingsError(`The input 'repository' must be 'pypi' or 'testpypi', not '${shorthand.trim()}'. ` +
                "For any other index, set 'repository-url' to its upload URL instead.");
        }
        if (written && normalizeUrl(written) !== fromShorthand) {
            throw new SettingsError(`'repository: ${name}' and 'repository-url: ${displayUrl(written)}' disagree. Set only one of them.`);
        }
        url = fromShorthand;
    }
    else {
        url =
            written ?? twine.TWINE_REPOSITORY_URL?.trim() ?? INPUT_DEFAULTS[Inputs.RepositoryUrl] ?? '';
    }
    return validateUrl(normalizeUrl(url));
}
function normalizeUrl(url) {
    return url.trim();
}
/**
 * A URL as it may be shown, with any `user:password@` cut out (also from text that does not parse
 * as a URL), for messages about URLs that were written wrong.
 */
function displayUrl(url) {
    return url.replace(/^([a-z][a-z0-9+.-]*:\/\/)[^/?#]*@/i, '$1');
}
function decoded(text) {
    try {
        return decodeURIComponent(text);
    }
    catch {
        return text;
    }
}
/** The URL without its userinfo, and the credentials that were in it. */
function settings_withoutCredentials(url) {
    if (!url)
        return { url };
    const parsed = new URL(url);
    if (!parsed.username && !parsed.password)
        return { url };
    const credentials = { user: decoded(parsed.username), password: decoded(parsed.password) };
    parsed.username = '';
    parsed.password = '';
    return { url: parsed.toString(), credentials };
}
function validateUrl(url) {
    let parsed;
    try {
        parsed = new URL(url);
    }
    catch {
        throw new SettingsError(`The repository URL '${displayUrl(url)}' is not a URL. Use the index's upload URL, e.g. ${PYPI_UPLOAD_URL}`);
    }
    if (parsed.protocol !== 'https:' && parsed.protocol !== 'http:') {
        throw new SettingsError(`The repository URL '${displayUrl(url)}' must start with https:// (or http:// for a local index).`);
    }
    return parsed.toString();
}
function integer(name, value, min, max) {
    const n = Number(value);
    if (!/^\d+$/.test(value) || n < min || n > max) {
        throw new SettingsError(`The input '${name}' must be a whole number from ${min} to ${max}, not '${value}'.`);
    }
    return n;
}
function optionalUrl(name, value) {
    const url = value.trim();
    if (!url)
        return '';
    try {
        const parsed = new URL(url);
        if (parsed.protocol === 'https:' || parsed.protocol === 'http:')
            return parsed.toString();
    }
    catch {
        // fall through to the error below
    }
    throw new SettingsError(`The input '${name}' must be an http(s) URL, not '${displayUrl(url)}'.`);
}
/** `distributions: sdist wheel` (dpl's `bdist_wheel` spelling accepted; commas or spaces). */
function parseDistributions(value) {
    const kinds = new Set();
    for (const word of value.split(/[\s,]+/).filter(Boolean)) {
        const w = word.toLowerCase();
        if (w === 'sdist')
            kinds.add('sdist');
        else if (w === 'wheel' || w === 'bdist_wheel')
            kinds.add('wheel');
        else
            throw new SettingsError(`The input 'distributions' takes 'sdist' and/or 'wheel' (or 'bdist_wheel'), not '${word}'.`);
    }
    if (kinds.size === 0) {
        throw new SettingsError("The input 'distributions' names no kind: write 'sdist', 'wheel' or both.");
    }
    return kinds;
}

;// CONCATENATED MODULE: ./src/shared/html.ts
/**
 * Text made safe inside HTML: the five characters that could open markup or end an attribute.
 * One rule for the job summary (which escapes what it did not write) and the Redactor (which
 * looks for a secret as an HTML page would echo it).
 */
function escapeHtml(text) {
    return text
        .replace(/&/g, '&amp;')
        .replace(/</g, '&lt;')
        .replace(/>/g, '&gt;')
        .replace(/"/g, '&quot;')
        .replace(/'/g, '&#39;');
}

;// CONCATENATED MODULE: ./src/shared/redact.ts


/** Shorter secrets are not looked for: they would blank out ordinary words. */
const MIN_SECRET_LENGTH = 4;
/**
 * Removes secrets from text before it is printed. The runner masks registered secrets only in its
 * log and only literally, while an index can echo a token encoded (JSON `\/` `\u002b`, HTML
 * `&#43;`, percent or form encoding, Basic auth's base64) or cut short (`…`, the end of the text).
 */
class Redactor {
    /** The secrets, and the Basic-auth values made of them. */
    secrets = new Set();
    compiled;
    /** `user`: the username the secret is sent with, so its Basic-auth form is known too. */
    add(secret, user) {
        if (!secret || secret.length < MIN_SECRET_LENGTH)
            return;
        this.secrets.add(secret);
        for (const name of new Set(['__token__', '', user ?? ''])) {
            this.secrets.add(Buffer.from(`${name}:${secret}`).toString('base64'));
        }
        this.compiled = undefined;
    }
    /** The literal forms of every secret, for the runner's `::add-mask::` (which matches literally). */
    forms() {
        const forms = [...this.secrets].flatMap(s => [
            s,
            encodeURIComponent(s),
            new URLSearchParams({ s }).toString().slice(2),
            JSON.stringify(s).slice(1, -1),
            escapeHtml(s)
        ]);
        return [...new Set(forms)];
    }
    redact(text) {
        // Longest first, so a secret inside a longer one (its base64) is not half-replaced.
        const secrets = [...this.secrets].sort((a, b) => b.length - a.length);
        this.compiled ??= {
            secrets,
            patterns: secrets.map(secret => new RegExp([...secret].map(characterPattern).join(''), 'g')),
            forms: this.forms().sort((a, b) => b.length - a.length)
        };
        let out = text;
        // Without a character an encoding writes, a secret can only appear as itself: the literal
        // search spares V8 compiling the encoded patterns (~0.1 s per 100 characters of secret).
        if (/[%\\&+]/.test(text)) {
            for (const pattern of this.compiled.patterns)
                out = out.replace(pattern, '***');
        }
        else {
            for (const secret of this.compiled.secrets)
                out = out.split(secret).join('***');
        }
        out = redactCuts(out, this.compiled.forms);
        // A Basic header echoed back for any user: the user shifts the base64, so no form matches it.
        out = out.replace(BASIC_CREDENTIALS, (match, scheme, value) => isBasicCredentials(value) ? `${scheme} ***` : match);
        // Tokens never registered still look like tokens: a PyPI macaroon's base64 starts with "AgE"
        // (a looser pattern would eat a "pypi-publish-…" temp folder).
        return out.replace(/pypi-AgE[A-Za-z0-9_-]{16,}/g, 'pypi-***');
    }
}
/**
 * One character written plainly or as a server, a URL or a page may encode it: percent-encoded
 * UTF-8, `+` for a space, JSON escapes, HTML references (decimal, hex, named); hex in either case.
 */
function characterPattern(char) {
    const code = char.codePointAt(0) ?? 0;
    const units = [...Array(char.length).keys()].map(i => char.charCodeAt(i));
    const ways = new Set([
        escapeRegExp(char),
        [...Buffer.from(char)].map(b => `%${hex(b, 2)}`).join(''),
        units.map(u => `\\\\u${hex(u, 4)}`).join(''),
        escapeRegExp(char === '/' ? '\\/' : JSON.stringify(char).slice(1, -1)),
        `&#0*${code};`,
        `&#[xX]0*${hex(code, 1)};`,
        escapeRegExp(HTML_NAMED[char] ?? char)
    ]);
    if (char === ' ')
        ways.add('\\+');
    return `(?:${[...ways].join('|')})`;
}
const HTML_NAMED = {
    '&': '&amp;',
    '<': '&lt;',
    '>': '&gt;',
    '"': '&quot;',
    "'": '&apos;'
};
/** `n` in hex, each letter matching either case. */
function hex(n, width) {
    const digits = n.toString(16).padStart(width, '0');
    return digits.replace(/[a-f]/g, letter => `[${letter}${letter.toUpperCase()}]`);
}
function escapeRegExp(text) {
    return text.replace(/[\\^$.*+?()[\]{}|/-]/g, '\\$&');
}
/**
 * A message cut to a length can end in the first characters of a secret, so each piece before a
 * cut (`…`) or the end of the text loses any start of a secret's form it ends with.
 */
function redactCuts(text, forms) {
    const cutPiece = (piece) => {
        for (const form of forms) {
            for (let length = Math.min(form.length - 1, piece.length); length >= MIN_SECRET_LENGTH; length--) {
                if (piece.endsWith(form.slice(0, length)))
                    return `${piece.slice(0, -length)}***`;
            }
        }
        return piece;
    };
    return text.split(CUT_MARK).map(cutPiece).join(CUT_MARK);
}
const BASIC_CREDENTIALS = /\b(Basic)\s+([A-Za-z0-9+/]{4,}={0,2})/gi;
/** Base64 of printable `user:password` text; "Basic realm" and "Basic authentication" are not. */
function isBasicCredentials(value) {
    const decoded = Buffer.from(value, 'base64');
    if (decoded.toString('base64').replace(/=+$/, '') !== value.replace(/=+$/, ''))
        return false;
    const text = decoded.toString('utf8');
    return text.includes(':') && [...text].every(c => c >= ' ' && c !== '\u007f' && c !== '\ufffd');
}

;// CONCATENATED MODULE: external "node:util"
const external_node_util_namespaceObject = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:util");
;// CONCATENATED MODULE: ./src/cli/args.ts

/**
 * `pypi-publish upload [options] FILES_OR_GLOBS…`: twine's flags that matter in CI, with their
 * meaning, and this project's own. Each flag maps to the action input of the same meaning (see
 * `inputsFrom`), so defaults and validation are the action's.
 */
class UsageError extends Error {
    constructor(message) {
        super(message);
        this.name = 'UsageError';
    }
}
const OPTIONS = {
    'repository-url': { type: 'string' },
    repository: { type: 'string', short: 'r' },
    username: { type: 'string', short: 'u' },
    password: { type: 'string', short: 'p' },
    'skip-existing': { type: 'boolean' },
    verbose: { type: 'boolean' },
    'disable-progress-bar': { type: 'boolean' },
    'non-interactive': { type: 'boolean' },
    attestations: { type: 'boolean' },
    'print-hash': { type: 'boolean' },
    concurrency: { type: 'string' },
    retries: { type: 'string' },
    timeout: { type: 'string' },
    'connect-timeout': { type: 'string' },
    'verify-upload': { type: 'boolean' },
    'no-verify-upload': { type: 'boolean' },
    'index-url': { type: 'string' },
    'dry-run': { type: 'boolean' },
    'verify-metadata': { type: 'boolean' },
    'no-verify-metadata': { type: 'boolean' },
    json: { type: 'boolean' },
    help: { type: 'boolean', short: 'h' },
    version: { type: 'boolean', short: 'V' }
};
/** Flags whose value is the action input of the same meaning. */
const STRING_INPUTS = {
    'repository-url': 'repository-url',
    repository: 'repository',
    username: 'user',
    password: 'password',
    concurrency: 'concurrency',
    retries: 'retries',
    timeout: 'timeout',
    'connect-timeout': 'connect-timeout',
    'index-url': 'index-url'
};
function parseCli(argv) {
    let parsed;
    try {
        parsed = (0,external_node_util_namespaceObject.parseArgs)({ args: [...argv], options: OPTIONS, allowPositionals: true, strict: true });
    }
    catch (error) {
        // Node's messages name the flag ("Unknown option '--foo'", "Option '-u' argument missing").
        throw new UsageError(error instanceof Error ? error.message : String(error));
    }
    const { values, positionals } = parsed;
    const help = values.help === true;
    const version = values.version === true;
    const [command, ...files] = positionals;
    if (!help && !version) {
        if (command === undefined)
            throw new UsageError('No command given: write `pypi-publish upload FILES…`.');
        if (command !== 'upload') {
            throw new UsageError(`Unknown command '${command}': the one command is \`upload\`.`);
        }
        if (files.length === 0) {
            throw new UsageError('No files given: name the wheels and sdists to publish, e.g. `pypi-publish upload "dist/*"`.');
        }
    }
    for (const [flag, yes, no] of [
        ['verify-upload', values['verify-upload'], values['no-verify-upload']],
        ['verify-metadata', values['verify-metadata'], values['no-verify-metadata']]
    ]) {
        if (yes && no)
            throw new UsageError(`--${flag} and --no-${flag} contradict each other: give one.`);
    }
    const inputs = {};
    for (const [flag, input] of Object.entries(STRING_INPUTS)) {
        const value = values[flag];
        if (typeof value === 'string')
            inputs[input] = value;
    }
    const flag = (on) => (on ? 'true' : undefined);
    const booleans = {
        'skip-existing': flag(values['skip-existing']),
        verbose: flag(values.verbose),
        'print-hash': flag(values['print-hash']),
        'dry-run': flag(values['dry-run']),
        // twine attaches attestations only when asked; so does this command line.
        attestations: values.attestations ? 'true' : 'false',
        'verify-upload': values['no-verify-upload'] ? 'false' : flag(values['verify-upload']),
        'verify-metadata': values['no-verify-metadata'] ? 'false' : flag(values['verify-metadata'])
    };
    for (const [input, value] of Object.entries(booleans))
        if (value)
            inputs[input] = value;
    return {
        help,
        version,
        json: values.json === true,
        verbose: values.verbose === true,
        inputs,
        files
    };
}
const HELP = `Usage: pypi-publish upload [options] FILES_OR_GLOBS...

Checks, uploads and reads back Python distributions (wheels and sdists) on PyPI, TestPyPI or any
PyPI-compatible index. Every file is checked before the first upload; nothing is sent when one is
refused. Globs (quoted or not) are expanded here too: *, ?, [abc] and ** for any depth.

Where and as whom (as twine):
  --repository-url URL     Upload URL of the index (default: https://upload.pypi.org/legacy/;
                           TWINE_REPOSITORY_URL when not given)
  -r, --repository NAME    pypi or testpypi (instead of --repository-url)
  -u, --username USER      User name (default: __token__, for API tokens; TWINE_USERNAME)
  -p, --password TOKEN     API token or password (TWINE_PASSWORD; prefer the variable: a flag can
                           be seen in the process list). With none, trusted publishing: the ID
                           token of GitLab CI (PYPI_ID_TOKEN), GitHub Actions or Google Cloud
  --skip-existing          Keep files the index already has and publish the rest
  --attestations           Sign and attach PEP 740 attestations (trusted publishing only)
  --verbose                Show more: digests of each file, debug lines
  --print-hash             Show each file's sha256, md5 and blake2b-256
  --disable-progress-bar   Accepted for twine's sake: progress is plain lines, never a bar
  --non-interactive        Accepted for twine's sake: this command never prompts

This project's own:
  --concurrency N          Uploads at once, after each project's first file (default 16)
  --retries N              Retries of an upload that failed on the way (default 5)
  --timeout SECONDS        No byte either way for this long fails a request (default 120)
  --connect-timeout SECONDS  Time to open a connection (default 30)
  --no-verify-upload       Do not read the files back from the index after uploading
  --index-url URL          The simple index to read back from (default: derived from the upload URL)
  --no-verify-metadata     Do not check metadata and descriptions before uploading
  --dry-run                Everything but the upload: checks, credentials, the index's answer
  --json                   Write the outcome (uploaded, skipped, verified, projects) as JSON to
                           stdout; the log goes to stderr
  -h, --help               This help
  -V, --version            The version

Exit status: 0 every file is on the index (or was skipped as asked), 1 a file failed or was
refused (or the credentials were), 2 the command line is wrong.
`;

;// CONCATENATED MODULE: ./src/auth/ambient-id-token.ts




/** The answers are one JWT (a few KiB) in a small JSON document. */
const ID_TOKEN_CAP = {
    bytes: 64 * 1024,
    what: 'the ID token answer',
    advice: 'The CI system is misbehaving; try again, or use an API token.'
};
const DMI_PRODUCT_NAME = '/sys/class/dmi/id/product_name';
/** The environment variable GitLab CI puts the token for `audience` in (as `id` names it). */
function gitlabTokenVariable(audience) {
    return `${audience.toUpperCase().replace(/[^A-Z0-9_]|^[^A-Z_]/g, '_')}_ID_TOKEN`;
}
/** Which CI system can give an ID token here, and a fetcher that asks it. */
function ambientIdToken(env, options = {}) {
    const github = env.ACTIONS_ID_TOKEN_REQUEST_URL && env.ACTIONS_ID_TOKEN_REQUEST_TOKEN;
    const gitlab = env.GITLAB_CI === 'true' || Object.keys(env).some(k => k.endsWith('_ID_TOKEN') && env[k]);
    const gcpHost = gcpMetadataHost(env, options.productNameFile ?? DMI_PRODUCT_NAME);
    const provider = github
        ? 'GitHub Actions'
        : gitlab
            ? 'GitLab CI'
            : gcpHost
                ? 'Google Cloud'
                : undefined;
    const identity = { provider, missing: noAmbientTokenMessage() };
    const getIdToken = async (audience) => {
        if (provider === 'GitHub Actions')
            return githubRunnerIdToken(env, audience, options);
        if (provider === 'GitLab CI') {
            const name = gitlabTokenVariable(audience);
            const token = env[name]?.trim();
            if (token)
                return token;
            throw new TrustedPublishingError(gitlabMissingMessage(name, audience, env));
        }
        if (provider === 'Google Cloud' && gcpHost) {
            const url = `http://${gcpHost}/computeMetadata/v1/instance/service-accounts/default/identity` +
                `?audience=${encodeURIComponent(audience)}&format=full`;
            const response = await ask(url, provider, options, { 'Metadata-Flavor': 'Google' });
            const token = response.body.trim();
            if (token.split('.').length !== 3)
                throw unexpected(provider, response);
            return token;
        }
        throw new TrustedPublishingError(identity.missing);
    };
    return { identity, getIdToken };
}
/**
 * An ID token for `audience` from GitHub's runner: ACTIONS_ID_TOKEN_REQUEST_URL with the audience,
 * asked with the runner's bearer token (what @actions/core's getIDToken does). A 5xx, a 429 or no
 * answer is marked transient, so the token exchange retries it with a fresh request.
 */
async function githubRunnerIdToken(env, audience, options = {}) {
    const provider = 'GitHub Actions';
    const url = new URL(env.ACTIONS_ID_TOKEN_REQUEST_URL ?? '');
    url.searchParams.set('audience', audience);
    const response = await ask(url.toString(), provider, options, {
        Authorization: `bearer ${env.ACTIONS_ID_TOKEN_REQUEST_TOKEN ?? ''}`,
        Accept: 'application/json'
    });
    const value = parseValue(response.body);
    if (!value)
        throw unexpected(provider, response);
    return value;
}
function gcpMetadataHost(env, productNameFile) {
    if (env.GCE_METADATA_HOST?.trim())
        return env.GCE_METADATA_HOST.trim();
    try {
        const product = (0,external_node_fs_.readFileSync)(productNameFile, 'utf8').trim();
        if (product === 'Google' || product === 'Google Compute Engine') {
            return 'metadata.google.internal';
        }
    }
    catch {
        // Not Linux, or no DMI: not detectably Google Cloud.
    }
    return undefined;
}
async function ask(url, provider, options, headers) {
    const http = new Http({ timeoutMs: options.timeoutMs ?? 30_000, connectTimeoutMs: 10_000 });
    let response;
    try {
        response = await http.get(url, ID_TOKEN_CAP, headers);
    }
    catch (error) {
        const reason = error instanceof Error ? error.message : String(error);
        throw new IdTokenRequestError(`asking ${provider} for an ID token failed: ${reason}`, '', {
            cause: error,
            transient: error instanceof NetworkError && !error.final ? { reason } : undefined
        });
    }
    finally {
        http.dispose();
    }
    if (response.status !== 200)
        throw unexpected(provider, response);
    return response;
}
function parseValue(body) {
    try {
        const value = JSON.parse(body).value;
        return typeof value === 'string' && value ? value : undefined;
    }
    catch {
        return undefined;
    }
}
/** The answer is not shown: it may be a token in a shape we did not expect. */
function unexpected(provider, response) {
    const transient = response.status === 429 || (response.status >= 500 && response.status <= 599)
        ? { reason: `HTTP ${response.status}` }
        : undefined;
    return new IdTokenRequestError(`${provider} answered HTTP ${response.status} without an ID token.`, provider === 'GitHub Actions'
        ? "Give the job `permissions: id-token: write`, or pass an API token with '--password'."
        : provider === 'Google Cloud'
            ? "Check that the machine's service account may create identity tokens, or pass an API token with '--password'."
            : "Pass an API token with '--password'.", { transient });
}
/**
 * An ID-token request that failed. `failure` says what went wrong and nothing more; the message
 * adds the command line's advice, which the action replaces with its own (action/id-token.ts).
 */
class IdTokenRequestError extends TrustedPublishingError {
    failure;
    constructor(failure, advice, options) {
        super(`Trusted publishing: ${failure}${advice ? ` ${advice}` : ''}`, options);
        this.failure = failure;
        this.name = 'IdTokenRequestError';
    }
}
function gitlabMissingMessage(name, audience, env) {
    const others = Object.keys(env)
        .filter(k => k.endsWith('_ID_TOKEN') && env[k])
        .sort();
    return [
        `Trusted publishing on GitLab CI needs an ID token for the audience '${audience}' in the ` +
            `variable ${name}, and this job has none` +
            (others.length ? ` (it has ${others.join(', ')}, for other audiences).` : '.'),
        'Declare it in the job of .gitlab-ci.yml:',
        '',
        '    id_tokens:',
        `      ${name}:`,
        `        aud: ${audience}`,
        '',
        `and register this project and CI file as a trusted publisher on the index: ${TRUSTED_PUBLISHING_DOCS}`,
        "Or pass an API token with '--password' (or TWINE_PASSWORD)."
    ].join('\n');
}
function noAmbientTokenMessage() {
    return [
        'No password or API token was given, and trusted publishing needs an ID token from the CI ' +
            'system, which this machine does not offer. Two ways out:',
        '',
        "1. An API token: pass it with '--password' or the TWINE_PASSWORD variable (from the CI " +
            "system's secret store, never written in the CI file).",
        '',
        '2. Trusted publishing, from a CI system PyPI trusts, with the publisher registered on the index:',
        '   - GitLab CI: `id_tokens: { PYPI_ID_TOKEN: { aud: pypi } }` in the job (TESTPYPI_ID_TOKEN, aud testpypi, for TestPyPI);',
        '   - GitHub Actions: `permissions: id-token: write` in the job;',
        '   - Google Cloud: a machine whose service account may create identity tokens.',
        `   ${TRUSTED_PUBLISHING_DOCS}`
    ].join('\n');
}

;// CONCATENATED MODULE: ./src/shared/child-env.ts
/**
 * The environment of every program this action starts (the build, pip, the description check's
 * Python). A build backend and each of its dependencies run with it, so it must hold nothing
 * that publishes: not the token given as an input, not what mints one (the runner's ID-token
 * request URL and bearer), not the runner's own service tokens. `runProcess`/`startProcess` take
 * only a `ChildEnv`, and only `ChildEnv.from` makes one, so no call site can hand a child the
 * action's own `process.env`.
 */
/**
 * Variables removed by name (compared upper-cased: Windows names ignore case). The ID-token pair
 * lets its holder mint PyPI tokens for any project trusting this workflow; the runtime token, the
 * results and cache URLs (which carry signed query strings) reach the runner's own services.
 */
const REMOVED_NAMES = new Set([
    'ACTIONS_ID_TOKEN_REQUEST_URL',
    'ACTIONS_ID_TOKEN_REQUEST_TOKEN',
    'ACTIONS_RUNTIME_TOKEN',
    'ACTIONS_RUNTIME_URL',
    'ACTIONS_RESULTS_URL',
    'ACTIONS_CACHE_URL',
    'ACTIONS_CACHE_SERVICE_V2',
    'TWINE_PASSWORD',
    // The runner's file commands: a child holding these could set this step's outputs (claim a
    // file was uploaded or verified), write raw HTML into the job summary, or set variables and
    // PATH for every later step of the publishing job. Only the action writes them.
    'GITHUB_OUTPUT',
    'GITHUB_STEP_SUMMARY',
    'GITHUB_STATE',
    'GITHUB_ENV',
    'GITHUB_PATH'
]);
/** Every action input (`INPUT_PASSWORD`, `INPUT_TOKEN`, URLs that may carry credentials…). */
const REMOVED_PREFIX = 'INPUT_';
/** Shorter secrets are not looked for (the Redactor's rule): they would match ordinary values. */
const child_env_MIN_SECRET_LENGTH = 4;
function lookup(env, name) {
    if (env[name] !== undefined)
        return env[name];
    const upper = name.toUpperCase();
    for (const [key, value] of Object.entries(env))
        if (key.toUpperCase() === upper)
            return value;
    return undefined;
}
/** An environment fit for a child process; see the module comment. */
class ChildEnv {
    // A private field makes the type nominal: an object literal or `process.env` is not a ChildEnv.
    #vars;
    constructor(vars) {
        this.#vars = Object.freeze(vars);
    }
    /**
     * `parent` without the inputs, the runner's tokens, and any variable whose value contains one
     * of `secrets`: the Redactor's forms, which hold every secret the run was given (see
     * src/settings/secrets.ts) — so a copy of a secret under another name goes too.
     */
    static from(parent, secrets = []) {
        const known = [...secrets].filter(s => s.length >= child_env_MIN_SECRET_LENGTH);
        const vars = {};
        for (const [name, value] of Object.entries(parent)) {
            if (value === undefined || removedByName(name))
                continue;
            if (known.some(secret => value.includes(secret)))
                continue;
            vars[name] = value;
        }
        return new ChildEnv(vars);
    }
    /** This environment with some variables set (PYTHONPATH, PYTHONUNBUFFERED); inputs stay out. */
    with(extra) {
        const vars = { ...this.#vars };
        for (const [name, value] of Object.entries(extra)) {
            if (removedByName(name))
                throw new Error(`${name} may not be passed to a child process`);
            vars[name] = value;
        }
        return new ChildEnv(vars);
    }
    /** One variable (name compared without case on Windows, as the OS does). */
    get(name) {
        return lookup(this.#vars, name);
    }
    /** A fresh copy for `spawn`. */
    toSpawn() {
        return { ...this.#vars };
    }
}
function removedByName(name) {
    const upper = name.toUpperCase();
    return upper.startsWith(REMOVED_PREFIX) || REMOVED_NAMES.has(upper);
}

;// CONCATENATED MODULE: ./src/shared/run-context.ts
/** The proxy variables in the order @actions/http-client reads them (lower case first). */
function proxyVariables(env) {
    const first = (names) => names.find(name => env[name]);
    return {
        https: first(['https_proxy', 'HTTPS_PROXY']),
        http: first(['http_proxy', 'HTTP_PROXY'])
    };
}

;// CONCATENATED MODULE: ./src/cli/deps.ts




/**
 * Everything the core gets from the command line's surroundings, made in this one place: the
 * environment it was started with, ID tokens from whichever CI system runs it, and the redactor
 * every secret goes into the moment it exists.
 */
function cliDeps(env, log, redactor) {
    const ambient = ambientIdToken(env);
    return {
        log,
        run: cliRunContext(env, redactor.forms(), ambient.identity),
        getIdToken: ambient.getIdToken,
        ambient: ambient.identity,
        onSecret: secret => redactor.add(secret),
        attestation: {
            fulcioUrl: env.PYPI_PUBLISH_FULCIO_URL || undefined,
            rekorUrl: env.PYPI_PUBLISH_REKOR_URL || undefined,
            indexAcceptsAttestations: env.PYPI_PUBLISH_INDEX_ACCEPTS_ATTESTATIONS === 'true' ? true : undefined
        }
    };
}
/**
 * What the core needs to know of the run, from whichever CI system runs the command line: the
 * tag a release job is for (GitLab, Travis, Buildkite, GitHub), the repository, whether an ID token
 * can be had. No pull-request-from-a-fork detection: only GitHub's runner tells it.
 */
function cliRunContext(env, secrets, identity) {
    const githubTag = env.GITHUB_REF?.startsWith('refs/tags/')
        ? env.GITHUB_REF.slice('refs/tags/'.length)
        : undefined;
    return {
        ref: env.GITHUB_REF || undefined,
        tag: env.CI_COMMIT_TAG || env.TRAVIS_TAG || env.BUILDKITE_TAG || githubTag || undefined,
        repository: env.GITHUB_REPOSITORY || env.CI_PROJECT_PATH || undefined,
        workflowRef: env.GITHUB_WORKFLOW_REF || undefined,
        forkPullRequest: false,
        idToken: identity.provider ? { available: true } : { available: false, why: identity.missing },
        proxy: proxyVariables(env),
        childEnv: ChildEnv.from(env, secrets),
        tempDir: (0,external_node_os_namespaceObject.tmpdir)()
    };
}
/**
 * The secrets the environment holds for the command line beyond the settings' own (see
 * givenSecrets): GitLab's ID tokens and its job token.
 */
function ciSecrets(env) {
    return Object.entries(env)
        .filter(([name, value]) => value && (name.endsWith('_ID_TOKEN') || name === 'CI_JOB_TOKEN'))
        .map(([, value]) => value.trim());
}

;// CONCATENATED MODULE: ./src/cli/globs.ts


/**
 * Globs the shell did not expand (quoted, or a shell that never does, such as cmd.exe): `*` and
 * `?` within a name, `[abc]`/`[!abc]` classes, and `**` for any depth of folders. As in a POSIX
 * shell, a wildcard does not match a leading `.`, and `**` does not descend into dot-folders or
 * through symbolic links to folders (they can loop). Node 22 has fs.glob; Node 20, which the
 * command line supports, does not.
 */
/** Whether the argument has a wildcard in it (a plain file name is used as it is). */
function isGlob(argument) {
    return /[*?[]/.test(argument);
}
/** The files matching `pattern`, sorted; paths as the pattern writes them (relative stays relative). */
async function expandGlob(pattern, cwd) {
    const written = process.platform === 'win32' ? pattern.replace(/\\/g, '/') : pattern;
    const segments = written.split('/');
    // An absolute pattern starts at the root (`/…`, or `C:/…` on Windows); `a//b` is `a/b`.
    const root = segments[0] === '' ? '/' : /^[A-Za-z]:$/.test(segments[0]) ? `${segments[0]}/` : '';
    const rest = segments.slice(root ? 1 : 0).filter(s => s !== '' && s !== '.');
    const found = new Set();
    await globs_walk(cwd, root, rest, found);
    return [...found].sort();
}
async function globs_walk(cwd, base, segments, found) {
    const here = external_node_path_default().resolve(cwd, base || '.');
    if (segments.length === 0) {
        const info = await (0,promises_.stat)(here).catch(() => undefined);
        if (info?.isFile() && base)
            found.add(base);
        return;
    }
    const [segment, ...rest] = segments;
    const join = (name) => (base ? external_node_path_default().posix.join(base, name) : name);
    if (segment === '**') {
        await globs_walk(cwd, base, rest, found);
        for (const entry of await list(here)) {
            if (entry.isDirectory() && !entry.name.startsWith('.')) {
                await globs_walk(cwd, join(entry.name), segments, found);
            }
        }
        return;
    }
    if (!isGlob(segment)) {
        await globs_walk(cwd, join(segment), rest, found);
        return;
    }
    const matcher = segmentPattern(segment);
    for (const entry of await list(here)) {
        if (entry.name.startsWith('.') && !segment.startsWith('.'))
            continue;
        if (matcher.test(entry.name))
            await globs_walk(cwd, join(entry.name), rest, found);
    }
}
async function list(dir) {
    // A folder that cannot be read matches nothing, as in a shell.
    return (0,promises_.readdir)(dir, { withFileTypes: true }).catch(() => []);
}
/** One path segment's wildcards as a regular expression over a whole name. */
function segmentPattern(segment) {
    let source = '';
    for (let i = 0; i < segment.length; i++) {
        const char = segment[i];
        if (char === '*')
            source += '.*';
        else if (char === '?')
            source += '.';
        else if (char === '[') {
            const end = segment.indexOf(']', i + 2);
            if (end === -1) {
                source += '\\[';
                continue;
            }
            let body = segment.slice(i + 1, end);
            const negated = body.startsWith('!') || body.startsWith('^');
            if (negated)
                body = body.slice(1);
            source += `[${negated ? '^' : ''}${body.replace(/[\\\]^]/g, '\\$&')}]`;
            i = end;
        }
        else
            source += char.replace(/[.+^${}()|\\]/g, '\\$&');
    }
    return new RegExp(`^${source}$`, 'su');
}

;// CONCATENATED MODULE: ./src/cli/log.ts
// C0 controls but tab, DEL, C1 controls; the line and paragraph separators and the bidirectional
// overrides and isolates, which reorder what a reader sees.
const UNPRINTABLE = 
// eslint-disable-next-line no-control-regex -- finding control characters is the point
/[\u0000-\u0008\u000a-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g;
/**
 * A line as it can be printed: every character that could steer a terminal escaped as
 * `\xNN`/`\uNNNN`. And since the command line also runs inside CI systems that read commands from
 * a program's output (GitHub Actions' `::name::` lines and legacy `##[name]`), a line of outside
 * text that would read as one has its first colon (or hash) escaped the same way.
 */
function printable(line) {
    const escaped = line.replace(UNPRINTABLE, ch => {
        const code = ch.charCodeAt(0);
        return code <= 0xff
            ? `\\x${code.toString(16).padStart(2, '0')}`
            : `\\u${code.toString(16).padStart(4, '0')}`;
    });
    return escaped.replace(/^(\s*):/, '$1\\x3a').replace(/##\[/g, '#\\x23[');
}
function cliLog(options) {
    // Lines are ours to break at \n (and a child's CRLF); a lone \r would rewrite the line, so it is
    // escaped like any other control character.
    const write = (to, prefix, message) => {
        for (const line of options.redact(message).split(/\r?\n/)) {
            to(`${prefix}${printable(line)}\n`);
        }
    };
    return {
        debug: message => {
            if (options.verbose)
                write(options.out, 'debug: ', message);
        },
        info: message => write(options.out, '', message),
        warning: message => write(options.err, 'warning: ', message),
        error: message => write(options.err, 'error: ', message),
        notice: message => write(options.out, 'note: ', message),
        group: async (title, fn) => {
            write(options.out, '', `── ${title}`);
            return fn();
        },
        childOutput: async (fn) => fn(line => write(options.out, '  | ', line))
    };
}

;// CONCATENATED MODULE: ./src/cli/main.ts















/** Exit statuses, as --help documents them. */
const EXIT_OK = 0;
const EXIT_FAILED = 1;
const EXIT_USAGE = 2;
const processStreams = () => ({
    stdout: text => void process.stdout.write(text),
    stderr: text => void process.stderr.write(text),
    cwd: process.cwd()
});
/** Runs the command line; returns the exit status. */
async function main(argv, env, streams = processStreams()) {
    const { stdout, stderr } = streams;
    let args;
    try {
        args = parseCli(argv);
    }
    catch (error) {
        if (!(error instanceof UsageError))
            throw error;
        stderr(`pypi-publish: ${printable(error.message)}\nRun \`pypi-publish --help\` for the options.\n`);
        return EXIT_USAGE;
    }
    if (args.help) {
        stdout(HELP);
        return EXIT_OK;
    }
    if (args.version) {
        stdout(`pypi-publish ${ACTION_VERSION}\n`);
        return EXIT_OK;
    }
    // Every secret is known before the first line is written: the environment's, and a password
    // given as a flag (with its user, so its Basic-auth form is known too).
    const inputs = args.inputs;
    const read = (name) => inputs[name] ?? '';
    const twine = twineVariables(env);
    const redactor = new Redactor();
    for (const { secret, user } of givenSecrets(read, twine, ciSecrets(env))) {
        redactor.add(secret, user);
    }
    const redact = (text) => redactor.redact(text);
    const log = cliLog({
        out: args.json ? stderr : stdout,
        err: stderr,
        redact,
        verbose: args.verbose
    });
    let result;
    let failure;
    let status = EXIT_OK;
    try {
        const files = await expandArguments(args.files, streams.cwd);
        // The flags are the inputs: one not given is not given, so TWINE_* fill in as twine reads
        // them even when this runs in a GitHub Actions `run:` step (where the action ignores them).
        const { settings, warnings, notices } = readSettings(read, { twine, insideActions: false });
        for (const warning of warnings)
            log.warning(inFlagWords(warning));
        for (const notice of notices)
            log.notice(inFlagWords(notice));
        result = await publish({ ...settings, files }, cliDeps(env, log, redactor));
        if (result.failure) {
            failure = result.failure.message;
            status = EXIT_FAILED;
        }
        summarise(result, log.info);
    }
    catch (error) {
        if (error instanceof DistributionError) {
            for (const problem of error.problems)
                log.error(describeProblem(problem), problem.file);
            failure = `${error.problems.length} problem(s) found; nothing was uploaded.`;
            status = EXIT_FAILED;
        }
        else if (error instanceof SettingsError) {
            failure = inFlagWords(error.message);
            status = EXIT_USAGE;
        }
        else {
            failure = error instanceof Error ? error.message : String(error);
            status = EXIT_FAILED;
        }
    }
    if (failure)
        log.error(failure);
    if (args.json) {
        const outcome = result
            ? runOutcome(result)
            : { uploaded: [], skipped: [], verified: [], projects: [], attestationPaths: [] };
        const json = JSON.stringify({ ok: status === EXIT_OK, ...outcome, ...(failure ? { error: failure } : {}) }, null, 2);
        // `##[` can only stand inside a string value here; `\u0023` is the same JSON, and no CI
        // system reading this output takes it for a legacy command.
        stdout(redact(json).replace(/##\[/g, '#\\u0023[') + '\n');
    }
    return status;
}
/**
 * The arguments as files: each glob expanded (a shell that expanded it already leaves plain
 * names), each plain name kept for the core to check. A glob that matches nothing, or a plain
 * name that cannot be a distribution, is refused before anything is read, as twine refuses them.
 */
async function expandArguments(argumentsGiven, cwd) {
    const files = [];
    const problems = [];
    for (const argument of argumentsGiven) {
        const literal = await (0,promises_.stat)(external_node_path_default().resolve(cwd, argument)).catch(() => undefined);
        if (isGlob(argument) && !literal) {
            const matched = await expandGlob(argument, cwd);
            if (matched.length === 0) {
                problems.push({
                    file: argument,
                    rule: 'file-name',
                    message: `No file matches '${argument}'.`,
                    hint: 'Build the distributions first (e.g. `python -m build`), or fix the pattern.'
                });
            }
            files.push(...matched.map(file => external_node_path_default().resolve(cwd, file)));
            continue;
        }
        const kind = distKindOf(external_node_path_default().basename(argument));
        if (literal?.isFile() && kind !== 'wheel' && kind !== 'sdist' && kind !== 'zip-sdist') {
            problems.push({
                file: argument,
                rule: 'file-name',
                message: `'${argument}' is not a distribution: PyPI takes wheels (.whl) and sdists (.tar.gz).`,
                hint: 'Name only the wheels and sdists to publish, e.g. `dist/*.whl dist/*.tar.gz`.'
            });
        }
        files.push(external_node_path_default().resolve(cwd, argument));
    }
    if (problems.length > 0)
        throw new DistributionError(problems);
    return files;
}
/** One closing line: what happened to the files. */
function summarise(result, info) {
    if (result.dryRun)
        return;
    const outcome = runOutcome(result);
    const parts = [`${outcome.uploaded.length} uploaded`, `${outcome.skipped.length} skipped`];
    if (result.verification)
        parts.push(`${outcome.verified.length} read back with the same sha256`);
    info(`${result.failure ? 'Not published' : 'Done'}: ${parts.join(', ')} (${result.repositoryUrl}).`);
}
/** The settings' messages name action inputs; here they are flags. */
function inFlagWords(message) {
    const flag = (input) => input === 'user' ? '--username' : input === 'token' ? '--password' : `--${input}`;
    return message.replace(/\b(the|The) input '([a-z_-]+)'/g, (_match, article, input) => `${article} option ${flag(input)}`);
}


/***/ }),

/***/ 2613:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("assert");

/***/ }),

/***/ 181:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("buffer");

/***/ }),

/***/ 6982:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("crypto");

/***/ }),

/***/ 2250:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("dns");

/***/ }),

/***/ 4434:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("events");

/***/ }),

/***/ 9896:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("fs");

/***/ }),

/***/ 1943:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("fs/promises");

/***/ }),

/***/ 8611:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("http");

/***/ }),

/***/ 5675:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("http2");

/***/ }),

/***/ 5692:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("https");

/***/ }),

/***/ 9278:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("net");

/***/ }),

/***/ 3053:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:diagnostics_channel");

/***/ }),

/***/ 8474:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:events");

/***/ }),

/***/ 3024:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:fs");

/***/ }),

/***/ 1455:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:fs/promises");

/***/ }),

/***/ 4708:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:https");

/***/ }),

/***/ 6760:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:path");

/***/ }),

/***/ 7075:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:stream");

/***/ }),

/***/ 6193:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:string_decoder");

/***/ }),

/***/ 3136:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:url");

/***/ }),

/***/ 857:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("os");

/***/ }),

/***/ 6928:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("path");

/***/ }),

/***/ 2203:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("stream");

/***/ }),

/***/ 3193:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("string_decoder");

/***/ }),

/***/ 6460:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("timers/promises");

/***/ }),

/***/ 4756:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("tls");

/***/ }),

/***/ 2018:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("tty");

/***/ }),

/***/ 7016:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("url");

/***/ }),

/***/ 9023:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("util");

/***/ }),

/***/ 3106:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("zlib");

/***/ })

/******/ });
/************************************************************************/
/******/ // The module cache
/******/ var __webpack_module_cache__ = {};
/******/ 
/******/ // The require function
/******/ function __nccwpck_require__(moduleId) {
/******/ 	// Check if module is in cache
/******/ 	var cachedModule = __webpack_module_cache__[moduleId];
/******/ 	if (cachedModule !== undefined) {
/******/ 		return cachedModule.exports;
/******/ 	}
/******/ 	// Create a new module (and put it into the cache)
/******/ 	var module = __webpack_module_cache__[moduleId] = {
/******/ 		// no module.id needed
/******/ 		// no module.loaded needed
/******/ 		exports: {}
/******/ 	};
/******/ 
/******/ 	// Execute the module function
/******/ 	var threw = true;
/******/ 	try {
/******/ 		__webpack_modules__[moduleId].call(module.exports, module, module.exports, __nccwpck_require__);
/******/ 		threw = false;
/******/ 	} finally {
/******/ 		if(threw) delete __webpack_module_cache__[moduleId];
/******/ 	}
/******/ 
/******/ 	// Return the exports of the module
/******/ 	return module.exports;
/******/ }
/******/ 
/******/ // expose the modules object (__webpack_modules__)
/******/ __nccwpck_require__.m = __webpack_modules__;
/******/ 
/************************************************************************/
/******/ /* webpack/runtime/asset-relocator-loader */
/******/ if (typeof __nccwpck_require__ !== 'undefined') __nccwpck_require__.ab = decodeURIComponent(new URL('.', import.meta.url).pathname).slice(import.meta.url.match(/^file:\/\/\/\w:/) ? 1 : 0, -1) + "/";
/******/ 
/******/ /* webpack/runtime/async module */
/******/ (() => {
/******/ 	var webpackQueues = typeof Symbol === "function" ? Symbol("webpack queues") : "__webpack_queues__";
/******/ 	var webpackExports = typeof Symbol === "function" ? Symbol("webpack exports") : "__webpack_exports__";
/******/ 	var webpackError = typeof Symbol === "function" ? Symbol("webpack error") : "__webpack_error__";
/******/ 	var resolveQueue = (queue) => {
/******/ 		if(queue && queue.d < 1) {
/******/ 			queue.d = 1;
/******/ 			queue.forEach((fn) => (fn.r--));
/******/ 			queue.forEach((fn) => (fn.r-- ? fn.r++ : fn()));
/******/ 		}
/******/ 	}
/******/ 	var wrapDeps = (deps) => (deps.map((dep) => {
/******/ 		if(dep !== null && typeof dep === "object") {
/******/ 			if(dep[webpackQueues]) return dep;
/******/ 			if(dep.then) {
/******/ 				var queue = [];
/******/ 				queue.d = 0;
/******/ 				dep.then((r) => {
/******/ 					obj[webpackExports] = r;
/******/ 					resolveQueue(queue);
/******/ 				}, (e) => {
/******/ 					obj[webpackError] = e;
/******/ 					resolveQueue(queue);
/******/ 				});
/******/ 				var obj = {};
/******/ 				obj[webpackQueues] = (fn) => (fn(queue));
/******/ 				return obj;
/******/ 			}
/******/ 		}
/******/ 		var ret = {};
/******/ 		ret[webpackQueues] = x => {};
/******/ 		ret[webpackExports] = dep;
/******/ 		return ret;
/******/ 	}));
/******/ 	__nccwpck_require__.a = (module, body, hasAwait) => {
/******/ 		var queue;
/******/ 		hasAwait && ((queue = []).d = -1);
/******/ 		var depQueues = new Set();
/******/ 		var exports = module.exports;
/******/ 		var currentDeps;
/******/ 		var outerResolve;
/******/ 		var reject;
/******/ 		var promise = new Promise((resolve, rej) => {
/******/ 			reject = rej;
/******/ 			outerResolve = resolve;
/******/ 		});
/******/ 		promise[webpackExports] = exports;
/******/ 		promise[webpackQueues] = (fn) => (queue && fn(queue), depQueues.forEach(fn), promise["catch"](x => {}));
/******/ 		module.exports = promise;
/******/ 		body((deps) => {
/******/ 			currentDeps = wrapDeps(deps);
/******/ 			var fn;
/******/ 			var getResult = () => (currentDeps.map((d) => {
/******/ 				if(d[webpackError]) throw d[webpackError];
/******/ 				return d[webpackExports];
/******/ 			}))
/******/ 			var promise = new Promise((resolve) => {
/******/ 				fn = () => (resolve(getResult));
/******/ 				fn.r = 0;
/******/ 				var fnQueue = (q) => (q !== queue && !depQueues.has(q) && (depQueues.add(q), q && !q.d && (fn.r++, q.push(fn))));
/******/ 				currentDeps.map((dep) => (dep[webpackQueues](fnQueue)));
/******/ 			});
/******/ 			return fn.r ? promise : getResult();
/******/ 		}, (err) => ((err ? reject(promise[webpackError] = err) : outerResolve(exports)), resolveQueue(queue)));
/******/ 		queue && queue.d < 0 && (queue.d = 0);
/******/ 	};
/******/ })();
/******/ 
/******/ /* webpack/runtime/compat get default export */
/******/ (() => {
/******/ 	// getDefaultExport function for compatibility with non-harmony modules
/******/ 	__nccwpck_require__.n = (module) => {
/******/ 		var getter = module && module.__esModule ?
/******/ 			() => (module['default']) :
/******/ 			() => (module);
/******/ 		__nccwpck_require__.d(getter, { a: getter });
/******/ 		return getter;
/******/ 	};
/******/ })();
/******/ 
/******/ /* webpack/runtime/create fake namespace object */
/******/ (() => {
/******/ 	var getProto = Object.getPrototypeOf ? (obj) => (Object.getPrototypeOf(obj)) : (obj) => (obj.__proto__);
/******/ 	var leafPrototypes;
/******/ 	// create a fake namespace object
/******/ 	// mode & 1: value is a module id, require it
/******/ 	// mode & 2: merge all properties of value into the ns
/******/ 	// mode & 4: return value when already ns object
/******/ 	// mode & 16: return value when it's Promise-like
/******/ 	// mode & 8|1: behave like require
/******/ 	__nccwpck_require__.t = function(value, mode) {
/******/ 		if(mode & 1) value = this(value);
/******/ 		if(mode & 8) return value;
/******/ 		if(typeof value === 'object' && value) {
/******/ 			if((mode & 4) && value.__esModule) return value;
/******/ 			if((mode & 16) && typeof value.then === 'function') return value;
/******/ 		}
/******/ 		var ns = Object.create(null);
/******/ 		__nccwpck_require__.r(ns);
/******/ 		var def = {};
/******/ 		leafPrototypes = leafPrototypes || [null, getProto({}), getProto([]), getProto(getProto)];
/******/ 		for(var current = mode & 2 && value; typeof current == 'object' && !~leafPrototypes.indexOf(current); current = getProto(current)) {
/******/ 			Object.getOwnPropertyNames(current).forEach((key) => (def[key] = () => (value[key])));
/******/ 		}
/******/ 		def['default'] = () => (value);
/******/ 		__nccwpck_require__.d(ns, def);
/******/ 		return ns;
/******/ 	};
/******/ })();
/******/ 
/******/ /* webpack/runtime/define property getters */
/******/ (() => {
/******/ 	// define getter functions for harmony exports
/******/ 	__nccwpck_require__.d = (exports, definition) => {
/******/ 		for(var key in definition) {
/******/ 			if(__nccwpck_require__.o(definition, key) && !__nccwpck_require__.o(exports, key)) {
/******/ 				Object.defineProperty(exports, key, { enumerable: true, get: definition[key] });
/******/ 			}
/******/ 		}
/******/ 	};
/******/ })();
/******/ 
/******/ /* webpack/runtime/ensure chunk */
/******/ (() => {
/******/ 	__nccwpck_require__.f = {};
/******/ 	// This file contains only the entry chunk.
/******/ 	// The chunk loading function for additional chunks
/******/ 	__nccwpck_require__.e = (chunkId) => {
/******/ 		return Promise.all(Object.keys(__nccwpck_require__.f).reduce((promises, key) => {
/******/ 			__nccwpck_require__.f[key](chunkId, promises);
/******/ 			return promises;
/******/ 		}, []));
/******/ 	};
/******/ })();
/******/ 
/******/ /* webpack/runtime/get javascript chunk filename */
/******/ (() => {
/******/ 	// This function allow to reference async chunks
/******/ 	__nccwpck_require__.u = (chunkId) => {
/******/ 		// return url for filenames based on template
/******/ 		return "" + chunkId + ".index.js";
/******/ 	};
/******/ })();
/******/ 
/******/ /* webpack/runtime/hasOwnProperty shorthand */
/******/ (() => {
/******/ 	__nccwpck_require__.o = (obj, prop) => (Object.prototype.hasOwnProperty.call(obj, prop))
/******/ })();
/******/ 
/******/ /* webpack/runtime/make namespace object */
/******/ (() => {
/******/ 	// define __esModule on exports
/******/ 	__nccwpck_require__.r = (exports) => {
/******/ 		if(typeof Symbol !== 'undefined' && Symbol.toStringTag) {
/******/ 			Object.defineProperty(exports, Symbol.toStringTag, { value: 'Module' });
/******/ 		}
/******/ 		Object.defineProperty(exports, '__esModule', { value: true });
/******/ 	};
/******/ })();
/******/ 
/******/ /* webpack/runtime/import chunk loading */
/******/ (() => {
/******/ 	// no baseURI
/******/ 	
/******/ 	// object to store loaded and loading chunks
/******/ 	// undefined = chunk not loaded, null = chunk preloaded/prefetched
/******/ 	// [resolve, Promise] = chunk loading, 0 = chunk loaded
/******/ 	var installedChunks = {
/******/ 		792: 0
/******/ 	};
/******/ 	
/******/ 	var installChunk = (data) => {
/******/ 		var {ids, modules, runtime} = data;
/******/ 		// add "modules" to the modules object,
/******/ 		// then flag all "ids" as loaded and fire callback
/******/ 		var moduleId, chunkId, i = 0;
/******/ 		for(moduleId in modules) {
/******/ 			if(__nccwpck_require__.o(modules, moduleId)) {
/******/ 				__nccwpck_require__.m[moduleId] = modules[moduleId];
/******/ 			}
/******/ 		}
/******/ 		if(runtime) runtime(__nccwpck_require__);
/******/ 		for(;i < ids.length; i++) {
/******/ 			chunkId = ids[i];
/******/ 			if(__nccwpck_require__.o(installedChunks, chunkId) && installedChunks[chunkId]) {
/******/ 				installedChunks[chunkId][0]();
/******/ 			}
/******/ 			installedChunks[ids[i]] = 0;
/******/ 		}
/******/ 	
/******/ 	}
/******/ 	
/******/ 	__nccwpck_require__.f.j = (chunkId, promises) => {
/******/ 			// import() chunk loading for javascript
/******/ 			var installedChunkData = __nccwpck_require__.o(installedChunks, chunkId) ? installedChunks[chunkId] : undefined;
/******/ 			if(installedChunkData !== 0) { // 0 means "already installed".
/******/ 	
/******/ 				// a Promise means "currently loading".
/******/ 				if(installedChunkData) {
/******/ 					promises.push(installedChunkData[1]);
/******/ 				} else {
/******/ 					if(true) { // all chunks have JS
/******/ 						// setup Promise in chunk cache
/******/ 						var promise = import("./" + __nccwpck_require__.u(chunkId)).then(installChunk, (e) => {
/******/ 							if(installedChunks[chunkId] !== 0) installedChunks[chunkId] = undefined;
/******/ 							throw e;
/******/ 						});
/******/ 						var promise = Promise.race([promise, new Promise((resolve) => (installedChunkData = installedChunks[chunkId] = [resolve]))])
/******/ 						promises.push(installedChunkData[1] = promise);
/******/ 					}
/******/ 				}
/******/ 			}
/******/ 	};
/******/ 	
/******/ 	// no prefetching
/******/ 	
/******/ 	// no preloaded
/******/ 	
/******/ 	// no external install chunk
/******/ 	
/******/ 	// no on chunks loaded
/******/ })();
/******/ 
/************************************************************************/
/******/ 
/******/ // startup
/******/ // Load entry module and return exports
/******/ // This entry module used 'module' so it can't be inlined
/******/ var __webpack_exports__ = __nccwpck_require__(486);
/******/ __webpack_exports__ = await __webpack_exports__;
/******/ 
