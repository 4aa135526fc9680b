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
/* harmony import */ var _main_js__WEBPACK_IMPORTED_MODULE_0__ = __nccwpck_require__(5755);
// The command line's entry: the one place (with src/action/) that reads argv and the environment.

process.exitCode = await (0,_main_js__WEBPACK_IMPORTED_MODULE_0__/* .main */ .iW)(process.argv.slice(2), process.env);

__webpack_async_result__();
} catch(e) { __webpack_async_result__(e); } }, 1);

/***/ }),

/***/ 5755:
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
 * PEP 440 versions as PyPI judges them: packaging ≥ 26.1's `Version` step by step (pattern,
 * normalization, comparison key), so messages quote the canonical strings PyPI quotes.
 */
/** Python's `\s`, which packaging strips around a version; JavaScript's differs (U+FEFF, U+001C…). */
const PY_WHITESPACE = '[\\t\\n\\v\\f\\r\\x1c-\\x20\\x85\\xa0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000]';
/** packaging's VERSION_PATTERN; `i` without `u` folds ASCII only, as its `(?a:…)` groups do. */
const VERSION_RE = new RegExp(`^${PY_WHITESPACE}*v?` +
    '(?:(?<epoch>[0-9]+)!)?' +
    '(?<release>[0-9]+(?:\\.[0-9]+)*)' +
    '(?:[._-]?(?<preL>alpha|a|beta|b|preview|pre|c|rc)[._-]?(?<preN>[0-9]+)?)?' +
    '(?:-(?<postN1>[0-9]+)|[._-]?(?<postL>post|rev|r)[._-]?(?<postN2>[0-9]+)?)?' +
    '(?:[._-]?(?<devL>dev)[._-]?(?<devN>[0-9]+)?)?' +
    '(?:\\+(?<local>[a-z0-9]+(?:[._-][a-z0-9]+)*))?' +
    `${PY_WHITESPACE}*$`, 'i');
/** Python's `int()` refuses longer digit strings (CVE-2020-10735), so PyPI never accepts them. */
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
/** packaging's pre/post/dev key: `1.0.dev1` < a/b/rc < final; no post < post; dev < no dev. */
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
/** PEP 440 order (`1.0` == `1.0.0`); throws a TypeError for a string that is not a version. */
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

;// CONCATENATED MODULE: ./src/dists/filename.ts
/**
 * Project names and distribution filenames (PEP 503, 427/491, 625). The parsers only split a name
 * into its parts; `src/check/` judges them, so a badly named file gets a precise problem.
 */

/** PEP 503 normalized name: lowercase, every run of `-`, `_`, `.` becomes one `-`. */
function normalizeName(name) {
    return name.replace(/[-_.]+/g, '-').toLowerCase();
}
/** The name as wheel and sdist filenames must spell it: normalized, with `_` for `-`. */
function wheelNamePart(name) {
    return normalizeName(name).replace(/-/g, '_');
}
/** PEP 508 / core metadata `Name`: ASCII letters and digits at both ends, `.`, `_`, `-` inside. */
function isValidProjectName(name) {
    return /^([A-Z0-9]|[A-Z0-9][A-Z0-9._-]*[A-Z0-9])$/i.test(name);
}
/**
 * Splits `{distribution}-{version}(-{build})?-{python}-{abi}-{platform}.whl`. Undefined when the
 * shape is wrong: five or six parts, none empty, a build tag starting with a digit.
 */
function parseWheelFilename(filename) {
    if (!filename.endsWith('.whl'))
        return undefined;
    const parts = filename.slice(0, -'.whl'.length).split('-');
    if ((parts.length !== 5 && parts.length !== 6) || parts.includes(''))
        return undefined;
    const [distribution, version] = parts;
    const build = parts.length === 6 ? parts[2] : undefined;
    if (build !== undefined && !/^[0-9]/.test(build))
        return undefined;
    const [pythonTag, abiTag, platformTag] = parts.slice(-3);
    const [pythonTags, abiTags, platformTags] = [pythonTag, abiTag, platformTag].map(t => t.split('.'));
    if ([...pythonTags, ...abiTags, ...platformTags].includes(''))
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
/** The one sdist filename PyPI accepts (PEP 625): `{name with _}-{canonical version}.tar.gz`. */
function expectedSdistFilename(name, version) {
    return `${wheelNamePart(name)}-${normalizeVersion(version) ?? version}.tar.gz`;
}
/** How a wheel filename for this release begins: `{name with _}-{canonical version}-`. */
function expectedWheelPrefix(name, version) {
    return `${wheelNamePart(name)}-${normalizeVersion(version) ?? version}-`;
}
/**
 * A distribution's kind by its extension; a `.zip` sdist (refused since PEP 625) is reported, not
 * ignored. Undefined for anything else (attestations, checksums, `.egg`…).
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
/** A distribution is built once by `inspect` and passed along: nobody re-reads or re-hashes it. */
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
/**
 * Outside text without the given characters at its end. A loop, not `/[…]+$/`: that pattern
 * retries at every character of a long run that does not reach the end, quadratic (issue 21).
 */
function trimEndOf(text, characters) {
    let end = text.length;
    while (end > 0 && characters.includes(text[end - 1]))
        end--;
    return text.slice(0, end);
}
/** Outside text on one line: each line trimmed, blank ones dropped (a split, linear in the text). */
function oneLine(text) {
    return text
        .split('\n')
        .map(line => line.trim())
        .filter(line => line !== '')
        .join(' ');
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
        headers.push({ name: current[0].slice(0, colon), raw: trimEndOf(value, '\r\n') });
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
        const body = messages.slice(start.index + start[0].length, end).trimEnd();
        const [message, ...source] = body.split(/\r?\n\r?\n/);
        const line = start[1] === '' ? undefined : Number(start[1]);
        firstLine ??= line;
        const sourceLines = source.join('\n\n').split(/\r?\n/);
        const shown = sourceLines.slice(0, MAX_SOURCE_LINES).map(l => `    | ${l}`);
        if (sourceLines.length > MAX_SOURCE_LINES)
            shown.push('    | …');
        parts.push(`${line === undefined ? '' : `line ${line}: `}${oneLine(message)} ` +
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
            name = trimEndOf(name, '/');
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
        const paxPath = records?.get('path');
        if (paxPath !== undefined)
            name = trimEndOf(paxPath, '/');
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
        .replace(/[\w.-]+/g, run => {
        // A JWT-shaped run (`eyJ….eyJ…`) is cut from its first `eyJ` on: found with string search,
        // since a pattern retried at each `eyJ` of a long run is quadratic (issue 21).
        const start = run.indexOf('eyJ');
        return start >= 0 && run.indexOf('.eyJ', start + 4) > 0 ? `${run.slice(0, start)}***` : run;
    });
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

;// CONCATENATED MODULE: ./node_modules/entities/dist/esm/decode-codepoint.js
// Adapted from https://github.com/mathiasbynens/he/blob/36afe179392226cf1b6ccdb16ebbb7a5a844d93a/src/he.js#L106-L134
var _a;
const decodeMap = new Map([
    [0, 65533],
    // C1 Unicode control character reference replacements
    [128, 8364],
    [130, 8218],
    [131, 402],
    [132, 8222],
    [133, 8230],
    [134, 8224],
    [135, 8225],
    [136, 710],
    [137, 8240],
    [138, 352],
    [139, 8249],
    [140, 338],
    [142, 381],
    [145, 8216],
    [146, 8217],
    [147, 8220],
    [148, 8221],
    [149, 8226],
    [150, 8211],
    [151, 8212],
    [152, 732],
    [153, 8482],
    [154, 353],
    [155, 8250],
    [156, 339],
    [158, 382],
    [159, 376],
]);
/**
 * Polyfill for `String.fromCodePoint`. It is used to create a string from a Unicode code point.
 */
const decode_codepoint_fromCodePoint = 
// eslint-disable-next-line @typescript-eslint/no-unnecessary-condition, n/no-unsupported-features/es-builtins
(_a = String.fromCodePoint) !== null && _a !== void 0 ? _a : ((codePoint) => {
    let output = "";
    if (codePoint > 65535) {
        codePoint -= 65536;
        output += String.fromCharCode(((codePoint >>> 10) & 1023) | 55296);
        codePoint = 56320 | (codePoint & 1023);
    }
    output += String.fromCharCode(codePoint);
    return output;
});
/**
 * Replace the given code point with a replacement character if it is a
 * surrogate or is outside the valid range. Otherwise return the code
 * point unchanged.
 */
function replaceCodePoint(codePoint) {
    var _a;
    if ((codePoint >= 55296 && codePoint <= 57343) ||
        codePoint > 1114111) {
        return 65533;
    }
    return (_a = decodeMap.get(codePoint)) !== null && _a !== void 0 ? _a : codePoint;
}
/**
 * Replace the code point if relevant, then convert it to a string.
 *
 * @deprecated Use `fromCodePoint(replaceCodePoint(codePoint))` instead.
 * @param codePoint The code point to decode.
 * @returns The decoded code point.
 */
function decodeCodePoint(codePoint) {
    return decode_codepoint_fromCodePoint(replaceCodePoint(codePoint));
}
//# sourceMappingURL=decode-codepoint.js.map
;// CONCATENATED MODULE: ./node_modules/entities/dist/esm/internal/bin-trie-flags.js
/**
 * Bit flags & masks for the binary trie encoding used for entity decoding.
 *
 * Bit layout (16 bits total):
 * 15..14 VALUE_LENGTH   (+1 encoding; 0 => no value)
 * 13     FLAG13.        If valueLength>0: semicolon required flag (implicit ';').
 *                       If valueLength==0: compact run flag.
 * 12..7  BRANCH_LENGTH  Branch length (0 => single branch in 6..0 if jumpOffset==char) OR run length (when compact run)
 * 6..0   JUMP_TABLE     Jump offset (jump table) OR single-branch char code OR first run char
 */
var BinTrieFlags;
(function (BinTrieFlags) {
    BinTrieFlags[BinTrieFlags["VALUE_LENGTH"] = 49152] = "VALUE_LENGTH";
    BinTrieFlags[BinTrieFlags["FLAG13"] = 8192] = "FLAG13";
    BinTrieFlags[BinTrieFlags["BRANCH_LENGTH"] = 8064] = "BRANCH_LENGTH";
    BinTrieFlags[BinTrieFlags["JUMP_TABLE"] = 127] = "JUMP_TABLE";
})(BinTrieFlags || (BinTrieFlags = {}));
//# sourceMappingURL=bin-trie-flags.js.map
;// CONCATENATED MODULE: ./node_modules/entities/dist/esm/internal/decode-shared.js
/*
 * Shared base64 decode helper for generated decode data.
 * Assumes global atob is available.
 */
function decodeBase64(input) {
    const binary = 
    // eslint-disable-next-line n/no-unsupported-features/node-builtins
    typeof atob === "function"
        ? // Browser (and Node >=16)
            // eslint-disable-next-line n/no-unsupported-features/node-builtins
            atob(input)
        : // Older Node versions (<16)
            // eslint-disable-next-line n/no-unsupported-features/node-builtins
            typeof Buffer.from === "function"
                ? // eslint-disable-next-line n/no-unsupported-features/node-builtins
                    Buffer.from(input, "base64").toString("binary")
                : // eslint-disable-next-line unicorn/no-new-buffer, n/no-deprecated-api
                    new Buffer(input, "base64").toString("binary");
    const evenLength = binary.length & ~1; // Round down to even length
    const out = new Uint16Array(evenLength / 2);
    for (let index = 0, outIndex = 0; index < evenLength; index += 2) {
        const lo = binary.charCodeAt(index);
        const hi = binary.charCodeAt(index + 1);
        out[outIndex++] = lo | (hi << 8);
    }
    return out;
}
//# sourceMappingURL=decode-shared.js.map
;// CONCATENATED MODULE: ./node_modules/entities/dist/esm/generated/decode-data-html.js
// Generated using scripts/write-decode-map.ts

const decode_data_html_htmlDecodeTree = /* #__PURE__ */ decodeBase64("QR08ALkAAgH6AYsDNQR2BO0EPgXZBQEGLAbdBxMISQrvCmQLfQurDKQNLw4fD4YPpA+6D/IPAAAAAAAAAAAAAAAAKhBMEY8TmxUWF2EYLBkxGuAa3RsJHDscWR8YIC8jSCSIJcMl6ie3Ku8rEC0CLjoupS7kLgAIRU1hYmNmZ2xtbm9wcnN0dVQAWgBeAGUAaQBzAHcAfgCBAIQAhwCSAJoAoACsALMAbABpAGcAO4DGAMZAUAA7gCYAJkBjAHUAdABlADuAwQDBQHIiZXZlAAJhAAFpeW0AcgByAGMAO4DCAMJAEGRyAADgNdgE3XIAYQB2AGUAO4DAAMBA8CFoYZFj4SFjcgBhZAAAoFMqAAFncIsAjgBvAG4ABGFmAADgNdg43fAlbHlGdW5jdGlvbgCgYSBpAG4AZwA7gMUAxUAAAWNzpACoAHIAAOA12Jzc6SFnbgCgVCJpAGwAZABlADuAwwDDQG0AbAA7gMQAxEAABGFjZWZvcnN1xQDYANoA7QDxAPYA+QD8AAABY3LJAM8AayNzbGFzaAAAoBYidgHTANUAAKDnKmUAZAAAoAYjeQARZIABY3J0AOAA5QDrAGEidXNlAACgNSLuI291bGxpcwCgLCFhAJJjcgAA4DXYBd1wAGYAAOA12Dnd5SF2ZdhiYwDyAOoAbSJwZXEAAKBOIgAHSE9hY2RlZmhpbG9yc3UXARoBHwE6AVIBVQFiAWQBZgGCAakB6QHtAfIBYwB5ACdkUABZADuAqQCpQIABY3B5ACUBKAE1AfUhdGUGYWmg0iJ0KGFsRGlmZmVyZW50aWFsRAAAoEUhbCJleXMAAKAtIQACYWVpb0EBRAFKAU0B8iFvbgxhZABpAGwAO4DHAMdAcgBjAAhhbiJpbnQAAKAwIm8AdAAKYQABZG5ZAV0BaSJsbGEAuGB0I2VyRG90ALdg8gA5AWkAp2NyImNsZQAAAkRNUFRwAXQBeQF9AW8AdAAAoJkiaSJudXMAAKCWIuwhdXMAoJUiaSJtZXMAAKCXIm8AAAFjc4cBlAFrKndpc2VDb250b3VySW50ZWdyYWwAAKAyImUjQ3VybHkAAAFEUZwBpAFvJXVibGVRdW90ZQAAoB0gdSJvdGUAAKAZIAACbG5wdbABtgHNAdgBbwBuAGWgNyIAoHQqgAFnaXQAvAHBAcUB8iJ1ZW50AKBhIm4AdAAAoC8i7yV1ckludGVncmFsAKAuIgABZnLRAdMBAKACIe8iZHVjdACgECJuLnRlckNsb2Nrd2lzZUNvbnRvdXJJbnRlZ3JhbAAAoDMi7yFzcwCgLypjAHIAAOA12J7ccABDoNMiYQBwAACgTSKABURKU1phY2VmaW9zAAsCEgIVAhgCGwIsAjQCOQI9AnMCfwNvoEUh9CJyYWhkAKARKWMAeQACZGMAeQAFZGMAeQAPZIABZ3JzACECJQIoAuchZXIAoCEgcgAAoKEhaAB2AACg5CoAAWF5MAIzAvIhb24OYRRkbAB0oAciYQCUY3IAAOA12AfdAAFhZkECawIAAWNtRQJnAvIjaXRpY2FsAAJBREdUUAJUAl8CYwJjInV0ZQC0YG8AdAFZAloC2WJiJGxlQWN1dGUA3WJyImF2ZQBgYGkibGRlANxi7yFuZACgxCJmJWVyZW50aWFsRAAAoEYhcAR9AgAAAAAAAIECjgIAABoDZgAA4DXYO91EoagAhQKJAm8AdAAAoNwgcSJ1YWwAAKBQIuIhbGUAA0NETFJVVpkCqAK1Au8C/wIRA28AbgB0AG8AdQByAEkAbgB0AGUAZwByAGEA7ADEAW8AdAKvAgAAAACwAqhgbiNBcnJvdwAAoNMhAAFlb7kC0AJmAHQAgAFBUlQAwQLGAs0CciJyb3cAAKDQIekkZ2h0QXJyb3cAoNQhZQDlACsCbgBnAAABTFLWAugC5SFmdAABQVLcAuECciJyb3cAAKD4J+kkZ2h0QXJyb3cAoPon6SRnaHRBcnJvdwCg+SdpImdodAAAAUFU9gL7AnIicm93AACg0iFlAGUAAKCoInAAQQIGAwAAAAALA3Iicm93AACg0SFvJHduQXJyb3cAAKDVIWUlcnRpY2FsQmFyAACgJSJuAAADQUJMUlRhJAM2AzoDWgNxA3oDciJyb3cAAKGTIUJVLAMwA2EAcgAAoBMpcCNBcnJvdwAAoPUhciJldmUAEWPlIWZ00gJDAwAASwMAAFIDaSVnaHRWZWN0b3IAAKBQKWUkZVZlY3RvcgAAoF4p5SJjdG9yQqC9IWEAcgAAoFYpaSJnaHQA1AFiAwAAaQNlJGVWZWN0b3IAAKBfKeUiY3RvckKgwSFhAHIAAKBXKWUAZQBBoKQiciJyb3cAAKCnIXIAcgBvAPcAtAIAAWN0gwOHA3IAAOA12J/c8iFvaxBhAAhOVGFjZGZnbG1vcHFzdHV4owOlA6kDsAO/A8IDxgPNA9ID8gP9AwEEFAQeBCAEJQRHAEphSAA7gNAA0EBjAHUAdABlADuAyQDJQIABYWl5ALYDuQO+A/Ihb24aYXIAYwA7gMoAykAtZG8AdAAWYXIAAOA12AjdcgBhAHYAZQA7gMgAyEDlIm1lbnQAoAgiAAFhcNYD2QNjAHIAEmF0AHkAUwLhAwAAAADpA20lYWxsU3F1YXJlAACg+yVlJ3J5U21hbGxTcXVhcmUAAKCrJQABZ3D2A/kDbwBuABhhZgAA4DXYPN3zImlsb26VY3UAAAFhaQYEDgRsAFSgdSppImxkZQAAoEIi7CNpYnJpdW0AoMwhAAFjaRgEGwRyAACgMCFtAACgcyphAJdjbQBsADuAywDLQAABaXApBC0E8yF0cwCgAyLvJG5lbnRpYWxFAKBHIYACY2Zpb3MAPQQ/BEMEXQRyBHkAJGRyAADgNdgJ3WwibGVkAFMCTAQAAAAAVARtJWFsbFNxdWFyZQAAoPwlZSdyeVNtYWxsU3F1YXJlAACgqiVwA2UEAABpBAAAAABtBGYAAOA12D3dwSFsbACgACLyI2llcnRyZgCgMSFjAPIAcQQABkpUYWJjZGZnb3JzdIgEiwSOBJMElwSkBKcEqwStBLIE5QTqBGMAeQADZDuAPgA+QO0hbWFkoJMD3GNyImV2ZQAeYYABZWl5AJ0EoASjBOQhaWwiYXIAYwAcYRNkbwB0ACBhcgAA4DXYCt0AoNkicABmAADgNdg+3eUiYXRlcgADRUZHTFNUvwTIBM8E1QTZBOAEcSJ1YWwATKBlIuUhc3MAoNsidSRsbEVxdWFsAACgZyJyI2VhdGVyAACgoirlIXNzAKB3IuwkYW50RXF1YWwAoH4qaSJsZGUAAKBzImMAcgAA4DXYotwAoGsiAARBYWNmaW9zdfkE/QQFBQgFCwUTBSIFKwVSIkRjeQAqZAABY3QBBQQFZQBrAMdiXmDpIXJjJGFyAACgDCFsJWJlcnRTcGFjZQAAoAsh8AEYBQAAGwVmAACgDSHpJXpvbnRhbExpbmUAoAAlAAFjdCYFKAXyABIF8iFvayZhbQBwAEQBMQU5BW8AdwBuAEgAdQBtAPAAAAFxInVhbAAAoE8iAAdFSk9hY2RmZ21ub3N0dVMFVgVZBVwFYwVtBXAFcwV6BZAFtgXFBckFzQVjAHkAFWTsIWlnMmFjAHkAAWRjAHUAdABlADuAzQDNQAABaXlnBWwFcgBjADuAzgDOQBhkbwB0ADBhcgAAoBEhcgBhAHYAZQA7gMwAzEAAoREhYXB/BYsFAAFjZ4MFhQVyACphaSNuYXJ5SQAAoEghbABpAGUA8wD6AvQBlQUAAKUFZaAsIgABZ3KaBZ4F8iFhbACgKyLzI2VjdGlvbgCgwiJpI3NpYmxlAAABQ1SsBbEFbyJtbWEAAKBjIGkibWVzAACgYiCAAWdwdAC8Bb8FwwVvAG4ALmFmAADgNdhA3WEAmWNjAHIAAKAQIWkibGRlAChh6wHSBQAA1QVjAHkABmRsADuAzwDPQIACY2Zvc3UA4QXpBe0F8gX9BQABaXnlBegFcgBjADRhGWRyAADgNdgN3XAAZgAA4DXYQd3jAfcFAAD7BXIAAOA12KXc8iFjeQhk6yFjeQRkgANISmFjZm9zAAwGDwYSBhUGHQYhBiYGYwB5ACVkYwB5AAxk8CFwYZpjAAFleRkGHAbkIWlsNmEaZHIAAOA12A7dcABmAADgNdhC3WMAcgAA4DXYptyABUpUYWNlZmxtb3N0AD0GQAZDBl4GawZkB2gHcAd0B80H2gdjAHkACWQ7gDwAPECAAmNtbnByAEwGTwZSBlUGWwb1IXRlOWHiIWRhm2NnAACg6ifsI2FjZXRyZgCgEiFyAACgniGAAWFleQBkBmcGagbyIW9uPWHkIWlsO2EbZAABZnNvBjQHdAAABUFDREZSVFVWYXKABp4GpAbGBssG3AYDByEHwQIqBwABbnKEBowGZyVsZUJyYWNrZXQAAKDoJ/Ihb3cAoZAhQlKTBpcGYQByAACg5CHpJGdodEFycm93AKDGIWUjaWxpbmcAAKAII28A9QGqBgAAsgZiJWxlQnJhY2tldAAAoOYnbgDUAbcGAAC+BmUkZVZlY3RvcgAAoGEp5SJjdG9yQqDDIWEAcgAAoFkpbCJvb3IAAKAKI2kiZ2h0AAABQVbSBtcGciJyb3cAAKCUIeUiY3RvcgCgTikAAWVy4AbwBmUAAKGjIkFW5gbrBnIicm93AACgpCHlImN0b3IAoFopaSNhbmdsZQBCorIi+wYAAAAA/wZhAHIAAKDPKXEidWFsAACgtCJwAIABRFRWAAoHEQcYB+8kd25WZWN0b3IAoFEpZSRlVmVjdG9yAACgYCnlImN0b3JCoL8hYQByAACgWCnlImN0b3JCoLwhYQByAACgUilpAGcAaAB0AGEAcgByAG8A9wDMAnMAAANFRkdMU1Q/B0cHTgdUB1gHXwfxJXVhbEdyZWF0ZXIAoNoidSRsbEVxdWFsAACgZiJyI2VhdGVyAACgdiLlIXNzAKChKuwkYW50RXF1YWwAoH0qaSJsZGUAAKByInIAAOA12A/dZaDYIuYjdGFycm93AKDaIWkiZG90AD9hgAFucHcAege1B7kHZwAAAkxSbHKCB5QHmwerB+UhZnQAAUFSiAeNB3Iicm93AACg9SfpJGdodEFycm93AKD3J+kkZ2h0QXJyb3cAoPYn5SFmdAABYXLcAqEHaQBnAGgAdABhAHIAcgBvAPcA5wJpAGcAaAB0AGEAcgByAG8A9wDuAmYAAOA12EPdZQByAAABTFK/B8YHZSRmdEFycm93AACgmSHpJGdodEFycm93AKCYIYABY2h0ANMH1QfXB/IAWgYAoLAh8iFva0FhAKBqIgAEYWNlZmlvc3XpB+wH7gf/BwMICQgOCBEIcAAAoAUpeQAcZAABZGzyB/kHaSR1bVNwYWNlAACgXyBsI2ludHJmAACgMyFyAADgNdgQ3e4jdXNQbHVzAKATInAAZgAA4DXYRN1jAPIA/gecY4AESmFjZWZvc3R1ACEIJAgoCDUIgQiFCDsKQApHCmMAeQAKZGMidXRlAENhgAFhZXkALggxCDQI8iFvbkdh5CFpbEVhHWSAAWdzdwA7CGEIfQjhInRpdmWAAU1UVgBECEwIWQhlJWRpdW1TcGFjZQAAoAsgaABpAAABY25SCFMIawBTAHAAYQBjAOUASwhlAHIAeQBUAGgAaQDuAFQI9CFlZAABR0xnCHUIcgBlAGEAdABlAHIARwByAGUAYQB0AGUA8gDrBGUAcwBzAEwAZQBzAPMA2wdMImluZQAKYHIAAOA12BHdAAJCbnB0jAiRCJkInAhyImVhawAAoGAgwiZyZWFraW5nU3BhY2WgYGYAAKAVIUOq7CqzCMIIzQgAAOcIGwkAAAAAAAAtCQAAbwkAAIcJAACdCcAJGQoAADQKAAFvdbYIvAjuI2dydWVudACgYiJwIkNhcAAAoG0ibyh1YmxlVmVydGljYWxCYXIAAKAmIoABbHF4ANII1wjhCOUibWVudACgCSL1IWFsVKBgImkibGRlAADgQiI4A2kic3RzAACgBCJyI2VhdGVyAACjbyJFRkdMU1T1CPoIAgkJCQ0JFQlxInVhbAAAoHEidSRsbEVxdWFsAADgZyI4A3IjZWF0ZXIAAOBrIjgD5SFzcwCgeSLsJGFudEVxdWFsAOB+KjgDaSJsZGUAAKB1IvUhbXBEASAJJwnvI3duSHVtcADgTiI4A3EidWFsAADgTyI4A2UAAAFmczEJRgn0JFRyaWFuZ2xlQqLqIj0JAAAAAEIJYQByAADgzyk4A3EidWFsAACg7CJzAICibiJFR0xTVABRCVYJXAlhCWkJcSJ1YWwAAKBwInIjZWF0ZXIAAKB4IuUhc3MA4GoiOAPsJGFudEVxdWFsAOB9KjgDaSJsZGUAAKB0IuUic3RlZAABR0x1CX8J8iZlYXRlckdyZWF0ZXIA4KIqOAPlI3NzTGVzcwDgoSo4A/IjZWNlZGVzAKGAIkVTjwmVCXEidWFsAADgryo4A+wkYW50RXF1YWwAoOAiAAFlaaAJqQl2JmVyc2VFbGVtZW50AACgDCLnJWh0VHJpYW5nbGVCousitgkAAAAAuwlhAHIAAODQKTgDcSJ1YWwAAKDtIgABcXXDCeAJdSNhcmVTdQAAAWJwywnVCfMhZXRF4I8iOANxInVhbAAAoOIi5SJyc2V0ReCQIjgDcSJ1YWwAAKDjIoABYmNwAOYJ8AkNCvMhZXRF4IIi0iBxInVhbAAAoIgi4yJlZWRzgKGBIkVTVAD6CQAKBwpxInVhbAAA4LAqOAPsJGFudEVxdWFsAKDhImkibGRlAADgfyI4A+UicnNldEXggyLSIHEidWFsAACgiSJpImxkZQCAoUEiRUZUACIKJwouCnEidWFsAACgRCJ1JGxsRXF1YWwAAKBHImkibGRlAACgSSJlJXJ0aWNhbEJhcgAAoCQiYwByAADgNdip3GkAbABkAGUAO4DRANFAnWMAB0VhY2RmZ21vcHJzdHV2XgphCmgKcgp2CnoKgQqRCpYKqwqtCrsKyArNCuwhaWdSYWMAdQB0AGUAO4DTANNAAAFpeWwKcQpyAGMAO4DUANRAHmRiImxhYwBQYXIAAOA12BLdcgBhAHYAZQA7gNIA0kCAAWFlaQCHCooKjQpjAHIATGFnAGEAqWNjInJvbgCfY3AAZgAA4DXYRt3lI25DdXJseQABRFGeCqYKbyV1YmxlUXVvdGUAAKAcIHUib3RlAACgGCAAoFQqAAFjbLEKtQpyAADgNdiq3GEAcwBoADuA2ADYQGkAbAHACsUKZABlADuA1QDVQGUAcwAAoDcqbQBsADuA1gDWQGUAcgAAAUJQ0wrmCgABYXLXCtoKcgAAoD4gYQBjAAABZWvgCuIKAKDeI2UAdAAAoLQjYSVyZW50aGVzaXMAAKDcI4AEYWNmaGlsb3JzAP0KAwsFCwkLCwsMCxELIwtaC3IjdGlhbEQAAKACInkAH2RyAADgNdgT3WkApmOgY/Ujc01pbnVzsWAAAWlwFQsgC24AYwBhAHIAZQBwAGwAYQBuAOUACgVmAACgGSGAobsqZWlvACoLRQtJC+MiZWRlc4CheiJFU1QANAs5C0ALcSJ1YWwAAKCvKuwkYW50RXF1YWwAoHwiaSJsZGUAAKB+Im0AZQAAoDMgAAFkcE0LUQv1IWN0AKAPIm8jcnRpb24AYaA3ImwAAKAdIgABY2leC2ILcgAA4DXYq9yoYwACVWZvc2oLbwtzC3cLTwBUADuAIgAiQHIAAOA12BTdcABmAACgGiFjAHIAAOA12KzcAAZCRWFjZWZoaW9yc3WPC5MLlwupC7YL2AvbC90LhQyTDJoMowzhIXJyAKAQKUcAO4CuAK5AgAFjbnIAnQugC6ML9SF0ZVRhZwAAoOsncgB0oKAhbAAAoBYpgAFhZXkArwuyC7UL8iFvblhh5CFpbFZhIGR2oBwhZSJyc2UAAAFFVb8LzwsAAWxxwwvIC+UibWVudACgCyL1JGlsaWJyaXVtAKDLIXAmRXF1aWxpYnJpdW0AAKBvKXIAAKAcIW8AoWPnIWh0AARBQ0RGVFVWYewLCgwQDDIMNwxeDHwM9gIAAW5y8Av4C2clbGVCcmFja2V0AACg6SfyIW93AKGSIUJM/wsDDGEAcgAAoOUhZSRmdEFycm93AACgxCFlI2lsaW5nAACgCSNvAPUBFgwAAB4MYiVsZUJyYWNrZXQAAKDnJ24A1AEjDAAAKgxlJGVWZWN0b3IAAKBdKeUiY3RvckKgwiFhAHIAAKBVKWwib29yAACgCyMAAWVyOwxLDGUAAKGiIkFWQQxGDHIicm93AACgpiHlImN0b3IAoFspaSNhbmdsZQBCorMiVgwAAAAAWgxhAHIAAKDQKXEidWFsAACgtSJwAIABRFRWAGUMbAxzDO8kd25WZWN0b3IAoE8pZSRlVmVjdG9yAACgXCnlImN0b3JCoL4hYQByAACgVCnlImN0b3JCoMAhYQByAACgUykAAXB1iQyMDGYAAKAdIe4kZEltcGxpZXMAoHAp6SRnaHRhcnJvdwCg2yEAAWNongyhDHIAAKAbIQCgsSHsJGVEZWxheWVkAKD0KYAGSE9hY2ZoaW1vcXN0dQC/DMgMzAzQDOIM5gwKDQ0NFA0ZDU8NVA1YDQABQ2PDDMYMyCFjeSlkeQAoZEYiVGN5ACxkYyJ1dGUAWmEAorwqYWVpedgM2wzeDOEM8iFvbmBh5CFpbF5hcgBjAFxhIWRyAADgNdgW3e8hcnQAAkRMUlXvDPYM/QwEDW8kd25BcnJvdwAAoJMhZSRmdEFycm93AACgkCHpJGdodEFycm93AKCSIXAjQXJyb3cAAKCRIechbWGjY+EkbGxDaXJjbGUAoBgicABmAADgNdhK3XICHw0AAAAAIg10AACgGiLhIXJlgKGhJUlTVQAqDTINSg3uJXRlcnNlY3Rpb24AoJMidQAAAWJwNw1ADfMhZXRFoI8icSJ1YWwAAKCRIuUicnNldEWgkCJxInVhbAAAoJIibiJpb24AAKCUImMAcgAA4DXYrtxhAHIAAKDGIgACYmNtcF8Nag2ODZANc6DQImUAdABFoNAicSJ1YWwAAKCGIgABY2huDYkNZSJlZHMAgKF7IkVTVAB4DX0NhA1xInVhbAAAoLAq7CRhbnRFcXVhbACgfSJpImxkZQAAoH8iVABoAGEA9ADHCwCgESIAodEiZXOVDZ8NciJzZXQARaCDInEidWFsAACghyJlAHQAAKDRIoAFSFJTYWNmaGlvcnMAtQ27Db8NyA3ODdsN3w3+DRgOHQ4jDk8AUgBOADuA3gDeQMEhREUAoCIhAAFIY8MNxg1jAHkAC2R5ACZkAAFidcwNzQ0JYKRjgAFhZXkA1A3XDdoN8iFvbmRh5CFpbGJhImRyAADgNdgX3QABZWnjDe4N8gHoDQAA7Q3lImZvcmUAoDQiYQCYYwABY27yDfkNayNTcGFjZQAA4F8gCiDTInBhY2UAoAkg7CFkZYChPCJFRlQABw4MDhMOcSJ1YWwAAKBDInUkbGxFcXVhbAAAoEUiaSJsZGUAAKBIInAAZgAA4DXYS93pI3BsZURvdACg2yAAAWN0Jw4rDnIAAOA12K/c8iFva2Zh4QpFDlYOYA5qDgAAbg5yDgAAAAAAAAAAAAB5DnwOqA6zDgAADg8RDxYPGg8AAWNySA5ODnUAdABlADuA2gDaQHIAb6CfIeMhaXIAoEkpcgDjAVsOAABdDnkADmR2AGUAbGEAAWl5Yw5oDnIAYwA7gNsA20AjZGIibGFjAHBhcgAA4DXYGN1yAGEAdgBlADuA2QDZQOEhY3JqYQABZGl/Dp8OZQByAAABQlCFDpcOAAFhcokOiw5yAF9gYQBjAAABZWuRDpMOAKDfI2UAdAAAoLUjYSVyZW50aGVzaXMAAKDdI28AbgBQoMMi7CF1cwCgjiIAAWdwqw6uDm8AbgByYWYAAOA12EzdAARBREVUYWRwc78O0g7ZDuEOBQPqDvMOBw9yInJvdwDCoZEhyA4AAMwOYQByAACgEilvJHduQXJyb3cAAKDFIW8kd25BcnJvdwAAoJUhcSV1aWxpYnJpdW0AAKBuKWUAZQBBoKUiciJyb3cAAKClIW8AdwBuAGEAcgByAG8A9wAQA2UAcgAAAUxS+Q4AD2UkZnRBcnJvdwAAoJYh6SRnaHRBcnJvdwCglyFpAGyg0gNvAG4ApWPpIW5nbmFjAHIAAOA12LDcaSJsZGUAaGFtAGwAO4DcANxAgAREYmNkZWZvc3YALQ8xDzUPNw89D3IPdg97D4AP4SFzaACgqyJhAHIAAKDrKnkAEmThIXNobKCpIgCg5ioAAWVyQQ9DDwCgwSKAAWJ0eQBJD00Paw9hAHIAAKAWIGmgFiDjIWFsAAJCTFNUWA9cD18PZg9hAHIAAKAjIukhbmV8YGUkcGFyYXRvcgAAoFgnaSJsZGUAAKBAItQkaGluU3BhY2UAoAogcgAA4DXYGd1wAGYAAOA12E3dYwByAADgNdix3GQiYXNoAACgqiKAAmNlZm9zAI4PkQ+VD5kPng/pIXJjdGHkIWdlAKDAInIAAOA12BrdcABmAADgNdhO3WMAcgAA4DXYstwAAmZpb3OqD64Prw+0D3IAAOA12BvdnmNwAGYAAOA12E/dYwByAADgNdiz3IAEQUlVYWNmb3N1AMgPyw/OD9EP2A/gD+QP6Q/uD2MAeQAvZGMAeQAHZGMAeQAuZGMAdQB0AGUAO4DdAN1AAAFpedwP3w9yAGMAdmErZHIAAOA12BzdcABmAADgNdhQ3WMAcgAA4DXYtNxtAGwAeGEABEhhY2RlZm9z/g8BEAUQDRAQEB0QIBAkEGMAeQAWZGMidXRlAHlhAAFheQkQDBDyIW9ufWEXZG8AdAB7YfIBFRAAABwQbwBXAGkAZAB0AOgAVAhhAJZjcgAAoCghcABmAACgJCFjAHIAAOA12LXc4QtCEEkQTRAAAGcQbRByEAAAAAAAAAAAeRCKEJcQ8hD9EAAAGxEhETIROREAAD4RYwB1AHQAZQA7gOEA4UByImV2ZQADYYCiPiJFZGl1eQBWEFkQWxBgEGUQAOA+IjMDAKA/InIAYwA7gOIA4kB0AGUAO4C0ALRAMGRsAGkAZwA7gOYA5kByoGEgAOA12B7dcgBhAHYAZQA7gOAA4EAAAWVwfBCGEAABZnCAEIQQ8yF5bQCgNSHoAIMQaABhALFjAAFhcI0QWwAAAWNskRCTEHIAAWFnAACgPypkApwQAAAAALEQAKInImFkc3ajEKcQqRCuEG4AZAAAoFUqAKBcKmwib3BlAACgWCoAoFoqAKMgImVsbXJzersQvRDAEN0Q5RDtEACgpCllAACgICJzAGQAYaAhImEEzhDQENIQ1BDWENgQ2hDcEACgqCkAoKkpAKCqKQCgqykAoKwpAKCtKQCgrikAoK8pdAB2oB8iYgBkoL4iAKCdKQABcHTpEOwQaAAAoCIixWDhIXJyAKB8IwABZ3D1EPgQbwBuAAVhZgAA4DXYUt0Ao0giRWFlaW9wBxEJEQ0RDxESERQRAKBwKuMhaXIAoG8qAKBKImQAAKBLInMAJ2DyIW94ZaBIIvEADhFpAG4AZwA7gOUA5UCAAWN0eQAmESoRKxFyAADgNdi23CpgbQBwAGWgSCLxAPgBaQBsAGQAZQA7gOMA40BtAGwAO4DkAORAAAFjaUERRxFvAG4AaQBuAPQA6AFuAHQAAKARKgAITmFiY2RlZmlrbG5vcHJzdWQRaBGXEZ8RpxGrEdIR1hErEjASexKKEn0RThNbE3oTbwB0AACg7SoAAWNybBGJEWsAAAJjZXBzdBF4EX0RghHvIW5nAKBMInAjc2lsb24A9mNyImltZQAAoDUgaQBtAGWgPSJxAACgzSJ2AY0RkRFlAGUAAKC9ImUAZABnoAUjZQAAoAUjcgBrAHSgtSPiIXJrAKC2IwABb3mjEaYRbgDnAHcRMWTxIXVvAKAeIIACY21wcnQAtBG5Eb4RwRHFEeEhdXPloDUi5ABwInR5dgAAoLApcwDpAH0RbgBvAPUA6gCAAWFodwDLEcwRzhGyYwCgNiHlIWVuAKBsInIAAOA12B/dZwCAA2Nvc3R1dncA4xHyEQUSEhIhEiYSKRKAAWFpdQDpEesR7xHwAKMFcgBjAACg7yVwAACgwyKAAWRwdAD4EfwRABJvAHQAAKAAKuwhdXMAoAEqaSJtZXMAAKACKnECCxIAAAAADxLjIXVwAKAGKmEAcgAAoAUm8iNpYW5nbGUAAWR1GhIeEu8hd24AoL0lcAAAoLMlcCJsdXMAAKAEKmUA5QBCD+UAkg9hInJvdwAAoA0pgAFha28ANhJoEncSAAFjbjoSZRJrAIABbHN0AEESRxJNEm8jemVuZ2UAAKDrKXEAdQBhAHIA5QBcBPIjaWFuZ2xlgKG0JWRscgBYElwSYBLvIXduAKC+JeUhZnQAoMIlaSJnaHQAAKC4JWsAAKAjJLEBbRIAAHUSsgFxEgAAcxIAoJIlAKCRJTQAAKCTJWMAawAAoIglAAFlb38ShxJx4D0A5SD1IWl2AOBhIuUgdAAAoBAjAAJwdHd4kRKVEpsSnxJmAADgNdhT3XSgpSJvAG0AAKClIvQhaWUAoMgiAAZESFVWYmRobXB0dXayEsES0RLgEvcS+xIKExoTHxMjEygTNxMAAkxSbHK5ErsSvRK/EgCgVyUAoFQlAKBWJQCgUyUAolAlRFVkdckSyxLNEs8SAKBmJQCgaSUAoGQlAKBnJQACTFJsctgS2hLcEt4SAKBdJQCgWiUAoFwlAKBZJQCjUSVITFJobHLrEu0S7xLxEvMS9RIAoGwlAKBjJQCgYCUAoGslAKBiJQCgXyVvAHgAAKDJKQACTFJscgITBBMGEwgTAKBVJQCgUiUAoBAlAKAMJQCiACVEVWR1EhMUExYTGBMAoGUlAKBoJQCgLCUAoDQlaSJudXMAAKCfIuwhdXMAoJ4iaSJtZXMAAKCgIgACTFJsci8TMRMzEzUTAKBbJQCgWCUAoBglAKAUJQCjAiVITFJobHJCE0QTRhNIE0oTTBMAoGolAKBhJQCgXiUAoDwlAKAkJQCgHCUAAWV2UhNVE3YA5QD5AGIAYQByADuApgCmQAACY2Vpb2ITZhNqE24TcgAA4DXYt9xtAGkAAKBPIG0A5aA9IogRbAAAoVwAYmh0E3YTAKDFKfMhdWIAoMgnbAF+E4QTbABloCIgdAAAoCIgcAAAoU4iRWWJE4sTAKCuKvGgTyI8BeEMqRMAAN8TABQDFB8UAAAjFDQUAAAAAIUUAAAAAI0UAAAAANcU4xT3FPsUAACIFQAAlhWAAWNwcgCuE7ET1RP1IXRlB2GAoikiYWJjZHMAuxO/E8QTzhPSE24AZAAAoEQqciJjdXAAAKBJKgABYXXIE8sTcAAAoEsqcAAAoEcqbwB0AACgQCoA4CkiAP4AAWVv2RPcE3QAAKBBIO4ABAUAAmFlaXXlE+8T9RP4E/AB6hMAAO0TcwAAoE0qbwBuAA1hZABpAGwAO4DnAOdAcgBjAAlhcABzAHOgTCptAACgUCpvAHQAC2GAAWRtbgAIFA0UEhRpAGwAO4C4ALhAcCJ0eXYAAKCyKXQAAIGiADtlGBQZFKJAcgBkAG8A9ABiAXIAAOA12CDdgAFjZWkAKBQqFDIUeQBHZGMAawBtoBMn4SFyawCgEyfHY3IAAKPLJUVjZWZtcz8UQRRHFHcUfBSAFACgwykAocYCZWxGFEkUcQAAoFciZQBhAlAUAAAAAGAUciJyb3cAAAFsclYUWhTlIWZ0AKC6IWkiZ2h0AACguyGAAlJTYWNkAGgUaRRrFG8UcxSuYACgyCRzAHQAAKCbIukhcmMAoJoi4SFzaACgnSJuImludAAAoBAqaQBkAACg7yrjIWlyAKDCKfUhYnN1oGMmaQB0AACgYybsApMUmhS2FAAAwxRvAG4AZaA6APGgVCKrAG0CnxQAAAAAoxRhAHSgLABAYAChASJmbKcUqRTuABMNZQAAAW14rhSyFOUhbnQAoAEiZQDzANIB5wG6FAAAwBRkoEUibwB0AACgbSpuAPQAzAGAAWZyeQDIFMsUzhQA4DXYVN1vAOQA1wEAgakAO3MeAdMUcgAAoBchAAFhb9oU3hRyAHIAAKC1IXMAcwAAoBcnAAFjdeYU6hRyAADgNdi43AABYnDuFPIUZaDPKgCg0SploNAqAKDSKuQhb3QAoO8igANkZWxwcnZ3AAYVEBUbFSEVRBVlFYQV4SFycgABbHIMFQ4VAKA4KQCgNSlwAhYVAAAAABkVcgAAoN4iYwAAoN8i4SFycnCgtiEAoD0pgKIqImJjZG9zACsVMBU6FT4VQRVyImNhcAAAoEgqAAFhdTQVNxVwAACgRipwAACgSipvAHQAAKCNInIAAKBFKgDgKiIA/gACYWxydksVURVuFXMVcgByAG2gtyEAoDwpeQCAAWV2dwBYFWUVaRVxAHACXxUAAAAAYxVyAGUA4wAXFXUA4wAZFWUAZQAAoM4iZSJkZ2UAAKDPImUAbgA7gKQApEBlI2Fycm93AAABbHJ7FX8V5SFmdACgtiFpImdodAAAoLchZQDkAG0VAAFjaYsVkRVvAG4AaQBuAPQAkwFuAHQAAKAxImwiY3R5AACgLSOACUFIYWJjZGVmaGlqbG9yc3R1d3oAuBW7Fb8V1RXgFegV+RUKFhUWHxZUFlcWZRbFFtsW7xb7FgUXChdyAPIAtAJhAHIAAKBlKQACZ2xyc8YVyhXOFdAV5yFlcgCgICDlIXRoAKA4IfIA9QxoAHagECAAoKMiawHZFd4VYSJyb3cAAKAPKWEA4wBfAgABYXnkFecV8iFvbg9hNGQAoUYhYW/tFfQVAAFnciEC8RVyAACgyiF0InNlcQAAoHcqgAFnbG0A/xUCFgUWO4CwALBAdABhALRjcCJ0eXYAAKCxKQABaXIOFhIW8yFodACgfykA4DXYId1hAHIAAAFschsWHRYAoMMhAKDCIYACYWVnc3YAKBauAjYWOhY+Fm0AAKHEIm9zLhY0Fm4AZABzoMQi9SFpdACgZiZhIm1tYQDdY2kAbgAAoPIiAKH3AGlvQxZRFmQAZQAAgfcAO29KFksW90BuI3RpbWVzAACgxyJuAPgAUBZjAHkAUmRjAG8CXhYAAAAAYhZyAG4AAKAeI28AcAAAoA0jgAJscHR1dwBuFnEWdRaSFp4W7CFhciRgZgAA4DXYVd0AotkCZW1wc30WhBaJFo0WcQBkoFAibwB0AACgUSJpIm51cwAAoDgi7CF1cwCgFCLxInVhcmUAoKEiYgBsAGUAYgBhAHIAdwBlAGQAZwDlANcAbgCAAWFkaAClFqoWtBZyAHIAbwD3APUMbwB3AG4AYQByAHIAbwB3APMA8xVhI3Jwb29uAAABbHK8FsAWZQBmAPQAHBZpAGcAaAD0AB4WYgHJFs8WawBhAHIAbwD3AJILbwLUFgAAAADYFnIAbgAAoB8jbwBwAACgDCOAAWNvdADhFukW7BYAAXJ55RboFgDgNdi53FVkbAAAoPYp8iFvaxFhAAFkcvMW9xZvAHQAAKDxImkA5qC/JVsSAAFhaP8WAhdyAPIANQNhAPIA1wvhIm5nbGUAoKYpAAFjaQ4XEBd5AF9k5yJyYXJyAKD/JwAJRGFjZGVmZ2xtbm9wcXJzdHV4MRc4F0YXWxcyBF4XaRd5F40XrBe0F78X2RcVGCEYLRg1GEAYAAFEbzUXgRZvAPQA+BUAAWNzPBdCF3UAdABlADuA6QDpQPQhZXIAoG4qAAJhaW95TRdQF1YXWhfyIW9uG2FyAGOgViI7gOoA6kDsIW9uAKBVIk1kbwB0ABdhAAFEcmIXZhdvAHQAAKBSIgDgNdgi3XKhmipuF3QXYQB2AGUAO4DoAOhAZKCWKm8AdAAAoJgqgKGZKmlscwCAF4UXhxfuInRlcnMAoOcjAKATIWSglSpvAHQAAKCXKoABYXBzAJMXlheiF2MAcgATYXQAeQBzogUinxcAAAAAoRdlAHQAAKAFInAAMaADIDMBqRerFwCgBCAAoAUgAAFnc7AXsRdLYXAAAKACIAABZ3C4F7sXbwBuABlhZgAA4DXYVt2AAWFscwDFF8sXzxdyAHOg1SJsAACg4yl1AHMAAKBxKmkAAKG1A2x21RfYF28AbgC1Y/VjAAJjc3V24BfoF/0XEBgAAWlv5BdWF3IAYwAAoFYiaQLuFwAAAADwF+0ADQThIW50AAFnbPUX+Rd0AHIAAKCWKuUhc3MAoJUqgAFhZWkAAxgGGAoYbABzAD1gcwB0AACgXyJ2AESgYSJEAACgeCrwImFyc2wAoOUpAAFEYRkYHRhvAHQAAKBTInIAcgAAoHEpgAFjZGkAJxgqGO0XcgAAoC8hbwD0AIwCAAFhaDEYMhi3YzuA8ADwQAABbXI5GD0YbAA7gOsA60BvAACgrCCAAWNpcABGGEgYSxhsACFgcwD0ACwEAAFlb08YVxhjAHQAYQB0AGkAbwDuABoEbgBlAG4AdABpAGEAbADlADME4Ql1GAAAgRgAAIMYiBgAAAAAoRilGAAAqhgAALsYvhjRGAAA1xgnGWwAbABpAG4AZwBkAG8AdABzAGUA8QBlF3kARGRtImFsZQAAoEAmgAFpbHIAjRiRGJ0Y7CFpZwCgA/tpApcYAAAAAJoYZwAAoAD7aQBnAACgBPsA4DXYI93sIWlnAKAB++whaWcA4GYAagCAAWFsdACvGLIYthh0AACgbSZpAGcAAKAC+24AcwAAoLElbwBmAJJh8AHCGAAAxhhmAADgNdhX3QABYWvJGMwYbADsAGsEdqDUIgCg2SphI3J0aW50AACgDSoAAWFv2hgiGQABY3PeGB8ZsQPnGP0YBRkSGRUZAAAdGbID7xjyGPQY9xj5GAAA+xg7gL0AvUAAoFMhO4C8ALxAAKBVIQCgWSEAoFshswEBGQAAAxkAoFQhAKBWIbQCCxkOGQAAAAAQGTuAvgC+QACgVyEAoFwhNQAAoFghtgEZGQAAGxkAoFohAKBdITgAAKBeIWwAAKBEIHcAbgAAoCIjYwByAADgNdi73IAIRWFiY2RlZmdpamxub3JzdHYARhlKGVoZXhlmGWkZkhmWGZkZnRmgGa0ZxhnLGc8Z4BkjGmygZyIAoIwqgAFjbXAAUBlTGVgZ9SF0ZfVhbQBhAOSgswM6FgCghipyImV2ZQAfYQABaXliGWUZcgBjAB1hM2RvAHQAIWGAoWUibHFzAMYEcBl6GfGhZSLOBAAAdhlsAGEAbgD0AN8EgKF+KmNkbACBGYQZjBljAACgqSpvAHQAb6CAKmyggioAoIQqZeDbIgD+cwAAoJQqcgAA4DXYJN3noGsirATtIWVsAKA3IWMAeQBTZIChdyJFYWoApxmpGasZAKCSKgCgpSoAoKQqAAJFYWVztBm2Gb0ZwhkAoGkicABwoIoq8iFveACgiipxoIgq8aCIKrUZaQBtAACg5yJwAGYAAOA12FjdYQB2AOUAYwIAAWNp0xnWGXIAAKAKIW0AAKFzImVs3BneGQCgjioAoJAqAIM+ADtjZGxxco0E6xn0GfgZ/BkBGgABY2nvGfEZAKCnKnIAAKB6Km8AdAAAoNci0CFhcgCglSl1ImVzdAAAoHwqgAJhZGVscwAKGvQZFhrVBCAa8AEPGgAAFBpwAHIAbwD4AFkZcgAAoHgpcQAAAWxxxAQbGmwAZQBzAPMASRlpAO0A5AQAAWVuJxouGnIjdG5lcXEAAOBpIgD+xQAsGgAFQWFiY2Vma29zeUAaQxpmGmoabRqDGocalhrCGtMacgDyAMwCAAJpbG1yShpOGlAaVBpyAHMA8ABxD2YAvWBpAGwA9AASBQABZHJYGlsaYwB5AEpkAKGUIWN3YBpkGmkAcgAAoEgpAKCtIWEAcgAAoA8h6SFyYyVhgAFhbHIAcxp7Gn8a8iF0c3WgZSZpAHQAAKBlJuwhaXAAoCYg4yFvbgCguSJyAADgNdgl3XMAAAFld4wakRphInJvdwAAoCUpYSJyb3cAAKAmKYACYW1vcHIAnxqjGqcauhq+GnIAcgAAoP8h9CFodACgOyJrAAABbHKsGrMaZSRmdGFycm93AACgqSHpJGdodGFycm93AKCqIWYAAOA12Fnd4iFhcgCgFSCAAWNsdADIGswa0BpyAADgNdi93GEAcwDoAGka8iFvaydhAAFicNca2xr1IWxsAKBDIOghZW4AoBAg4Qr2GgAA/RoAAAgbExsaGwAAIRs7GwAAAAA+G2IbmRuVG6sbAACyG80b0htjAHUAdABlADuA7QDtQAChYyBpeQEbBhtyAGMAO4DuAO5AOGQAAWN4CxsNG3kANWRjAGwAO4ChAKFAAAFmcssCFhsA4DXYJt1yAGEAdgBlADuA7ADsQIChSCFpbm8AJxsyGzYbAAFpbisbLxtuAHQAAKAMKnQAAKAtIuYhaW4AoNwpdABhAACgKSHsIWlnM2GAAWFvcABDG1sbXhuAAWNndABJG0sbWRtyACthgAFlbHAAcQVRG1UbaQBuAOUAyAVhAHIA9AByBWgAMWFmAACgtyJlAGQAtWEAoggiY2ZvdGkbbRt1G3kb4SFyZQCgBSFpAG4AdKAeImkAZQAAoN0pZABvAPQAWxsAoisiY2VscIEbhRuPG5QbYQBsAACguiIAAWdyiRuNG2UAcgDzACMQ4wCCG2EicmhrAACgFyryIW9kAKA8KgACY2dwdJ8boRukG6gbeQBRZG8AbgAvYWYAAOA12FrdYQC5Y3UAZQBzAHQAO4C/AL9AAAFjabUbuRtyAADgNdi+3G4AAKIIIkVkc3bCG8QbyBvQAwCg+SJvAHQAAKD1Inag9CIAoPMiaaBiIOwhZGUpYesB1hsAANkbYwB5AFZkbAA7gO8A70AAA2NmbW9zdeYb7hvyG/Ub+hsFHAABaXnqG+0bcgBjADVhOWRyAADgNdgn3eEhdGg3YnAAZgAA4DXYW93jAf8bAAADHHIAAOA12L/c8iFjeVhk6yFjeVRkAARhY2ZnaGpvcxUcGhwiHCYcKhwtHDAcNRzwIXBhdqC6A/BjAAFleR4cIRzkIWlsN2E6ZHIAAOA12CjdciJlZW4AOGFjAHkARWRjAHkAXGRwAGYAAOA12FzdYwByAADgNdjA3IALQUJFSGFiY2RlZmdoamxtbm9wcnN0dXYAXhxtHHEcdRx5HN8cBx0dHTwd3B3tHfEdAR4EHh0eLB5FHrwewx7hHgkfPR9LH4ABYXJ0AGQcZxxpHHIA8gBvB/IAxQLhIWlsAKAbKeEhcnIAoA4pZ6BmIgCgiyphAHIAAKBiKWMJjRwAAJAcAACVHAAAAAAAAAAAAACZHJwcAACmHKgcrRwAANIc9SF0ZTph7SJwdHl2AKC0KXIAYQDuAFoG4iFkYbtjZwAAoegnZGyhHKMcAKCRKeUAiwYAoIUqdQBvADuAqwCrQHIAgKOQIWJmaGxwc3QAuhy/HMIcxBzHHMoczhxmoOQhcwAAoB8pcwAAoB0p6wCyGnAAAKCrIWwAAKA5KWkAbQAAoHMpbAAAoKIhAKGrKmFl1hzaHGkAbAAAoBkpc6CtKgDgrSoA/oABYWJyAOUc6RztHHIAcgAAoAwpcgBrAACgcicAAWFr8Rz4HGMAAAFla/Yc9xx7YFtgAAFlc/wc/hwAoIspbAAAAWR1Ax0FHQCgjykAoI0pAAJhZXV5Dh0RHRodHB3yIW9uPmEAAWRpFR0YHWkAbAA8YewAowbiAPccO2QAAmNxcnMkHScdLB05HWEAAKA2KXUAbwDyoBwgqhEAAWR1MB00HeghYXIAoGcpcyJoYXIAAKBLKWgAAKCyIQCiZCJmZ3FzRB1FB5Qdnh10AIACYWhscnQATh1WHWUdbB2NHXIicm93AHSgkCFhAOkAzxxhI3Jwb29uAAABZHVeHWId7yF3bgCgvSFwAACgvCHlJGZ0YXJyb3dzAKDHIWkiZ2h0AIABYWhzAHUdex2DHXIicm93APOglCGdBmEAcgBwAG8AbwBuAPMAzgtxAHUAaQBnAGEAcgByAG8A9wBlGugkcmVldGltZXMAoMsi8aFkIk0HAACaHWwAYQBuAPQAXgcAon0qY2Rnc6YdqR2xHbcdYwAAoKgqbwB0AG+gfypyoIEqAKCDKmXg2iIA/nMAAKCTKoACYWRlZ3MAwB3GHcod1h3ZHXAAcAByAG8A+ACmHG8AdAAAoNYicQAAAWdxzx3SHXQA8gBGB2cAdADyAHQcdADyAFMHaQDtAGMHgAFpbHIA4h3mHeod8yFodACgfClvAG8A8gDKBgDgNdgp3UWgdiIAoJEqYQH1Hf4dcgAAAWR1YB35HWygvCEAoGopbABrAACghCVjAHkAWWQAomoiYWNodAweDx4VHhkecgDyAGsdbwByAG4AZQDyAGAW4SFyZACgaylyAGkAAKD6JQABaW8hHiQe5CFvdEBh9SFzdGGgsCPjIWhlAKCwIwACRWFlczMeNR48HkEeAKBoInAAcKCJKvIhb3gAoIkqcaCHKvGghyo0HmkAbQAAoOYiAARhYm5vcHR3elIeXB5fHoUelh6mHqsetB4AAW5yVh5ZHmcAAKDsJ3IAAKD9IXIA6wCwBmcAgAFsbXIAZh52Hnse5SFmdAABYXKIB2weaQBnAGgAdABhAHIAcgBvAPcAkwfhInBzdG8AoPwnaQBnAGgAdABhAHIAcgBvAPcAmgdwI2Fycm93AAABbHKNHpEeZQBmAPQAxhxpImdodAAAoKwhgAFhZmwAnB6fHqIecgAAoIUpAOA12F3ddQBzAACgLSppIm1lcwAAoDQqYQGvHrMecwB0AACgFyLhAIoOZaHKJbkeRhLuIWdlAKDKJWEAcgBsoCgAdAAAoJMpgAJhY2htdADMHs8e1R7bHt0ecgDyAJ0GbwByAG4AZQDyANYWYQByAGSgyyEAoG0pAKAOIHIAaQAAoL8iAANhY2hpcXTrHu8e1QfzHv0eBh/xIXVvAKA5IHIAAOA12MHcbQDloXIi+h4AAPweAKCNKgCgjyoAAWJ19xwBH28AcqAYIACgGiDyIW9rQmEAhDwAO2NkaGlscXJCBhcfxh0gHyQfKB8sHzEfAAFjaRsfHR8AoKYqcgAAoHkqcgBlAOUAkx3tIWVzAKDJIuEhcnIAoHYpdSJlc3QAAKB7KgABUGk1HzkfYQByAACglillocMlAgdfEnIAAAFkdUIfRx9zImhhcgAAoEop6CFhcgCgZikAAWVuTx9WH3IjdG5lcXEAAOBoIgD+xQBUHwAHRGFjZGVmaGlsbm9wc3VuH3Ifoh+rH68ftx+7H74f5h/uH/MfBwj/HwsgxCFvdACgOiIAAmNscHJ5H30fiR+eH3IAO4CvAK9AAAFldIEfgx8AoEImZaAgJ3MAZQAAoCAnc6CmIXQAbwCAoaYhZGx1AJQfmB+cH28AdwDuAHkDZQBmAPQA6gbwAOkO6yFlcgCgriUAAW95ph+qH+0hbWEAoCkqPGThIXNoAKAUIOElc3VyZWRhbmdsZQCgISJyAADgNdgq3W8AAKAnIYABY2RuAMQfyR/bH3IAbwA7gLUAtUBhoiMi0B8AANMf1x9zAPQAKxFpAHIAAKDwKm8AdAA7gLcAt0B1AHMA4qESIh4TAADjH3WgOCIAoCoqYwHqH+0fcAAAoNsq8gB+GnAAbAB1APMACAgAAWRw9x/7H+UhbHMAoKciZgAA4DXYXt0AAWN0AyAHIHIAAOA12MLc8CFvcwCgPiJsobwDECAVIPQiaW1hcACguCJhAPAAEyAADEdMUlZhYmNkZWZnaGlqbG1vcHJzdHV2dzwgRyBmIG0geSCqILgg2iDeIBEhFSEyIUMhTSFQIZwhnyHSIQAiIyKLIrEivyIUIwABZ3RAIEMgAODZIjgD9uBrItIgBwmAAWVsdABNIF8gYiBmAHQAAAFhclMgWCByInJvdwAAoM0h6SRnaHRhcnJvdwCgziEA4NgiOAP24Goi0iBfCekkZ2h0YXJyb3cAoM8hAAFEZHEgdSDhIXNoAKCvIuEhc2gAoK4igAJiY25wdACCIIYgiSCNIKIgbABhAACgByL1IXRlRGFnAADgICLSIACiSSJFaW9wlSCYIJwgniAA4HAqOANkAADgSyI4A3MASWFyAG8A+AAyCnUAcgBhoG4mbADzoG4mmwjzAa8gAACzIHAAO4CgAKBAbQBwAOXgTiI4AyoJgAJhZW91eQDBIMogzSDWINkg8AHGIAAAyCAAoEMqbwBuAEhh5CFpbEZhbgBnAGSgRyJvAHQAAOBtKjgDcAAAoEIqPWThIXNoAKATIACjYCJBYWRxc3jpIO0g+SD+IAIhDCFyAHIAAKDXIXIAAAFocvIg9SBrAACgJClvoJch9wAGD28AdAAA4FAiOAN1AGkA9gC7CAABZWkGIQohYQByAACgKCntAN8I6SFzdPOgBCLlCHIAAOA12CvdAAJFZXN0/wgcISshLiHxoXEiIiEAABMJ8aFxIgAJAAAnIWwAYQBuAPQAEwlpAO0AGQlyoG8iAKBvIoABQWFwADghOyE/IXIA8gBeIHIAcgAAoK4hYQByAACg8ipzogsiSiEAAAAAxwtkoPwiAKD6ImMAeQBaZIADQUVhZGVzdABcIV8hYiFmIWkhkyGWIXIA8gBXIADgZiI4A3IAcgAAoJohcgAAoCUggKFwImZxcwBwIYQhjiF0AAABYXJ1IXohcgByAG8A9wBlIWkAZwBoAHQAYQByAHIAbwD3AD4h8aFwImAhAACKIWwAYQBuAPQAZwlz4H0qOAMAoG4iaQDtAG0JcqBuImkA5aDqIkUJaQDkADoKAAFwdKMhpyFmAADgNdhf3YCBrAA7aW4AriGvIcchrEBuAIChCSJFZHYAtyG6Ib8hAOD5IjgDbwB0AADg9SI4A+EB1gjEIcYhAKD3IgCg9iJpAHagDCLhAagJzyHRIQCg/iIAoP0igAFhb3IA2CHsIfEhcgCAoSYiYXN0AOAh5SHpIWwAbABlAOwAywhsAADg/SrlIADgAiI4A2wiaW50AACgFCrjoYAi9yEAAPohdQDlAJsJY+CvKjgDZaCAIvEAkwkAAkFhaXQHIgoiFyIeInIA8gBsIHIAcgAAoZshY3cRIhQiAOAzKTgDAOCdITgDZyRodGFycm93AACgmyFyAGkA5aDrIr4JgANjaGltcHF1AC8iPCJHIpwhTSJQIloigKGBImNlcgA2Iv0JOSJ1AOUABgoA4DXYw9zvIXJ0bQKdIQAAAABEImEAcgDhAOEhbQBloEEi8aBEIiYKYQDyAMsIcwB1AAABYnBWIlgi5QDUCeUA3wmAAWJjcABgInMieCKAoYQiRWVzAGci7glqIgDgxSo4A2UAdABl4IIi0iBxAPGgiCJoImMAZaCBIvEA/gmAoYUiRWVzAH8iFgqCIgDgxio4A2UAdABl4IMi0iBxAPGgiSKAIgACZ2lscpIilCKaIpwi7AAMCWwAZABlADuA8QDxQOcAWwlpI2FuZ2xlAAABbHKkIqoi5SFmdGWg6iLxAEUJaSJnaHQAZaDrIvEAvgltoL0DAKEjAGVzuCK8InIAbwAAoBYhcAAAoAcggARESGFkZ2lscnMAziLSItYi2iLeIugi7SICIw8j4SFzaACgrSLhIXJyAKAEKXAAAOBNItIg4SFzaACgrCIAAWV04iLlIgDgZSLSIADgPgDSIG4iZmluAACg3imAAUFldADzIvci+iJyAHIAAKACKQDgZCLSIHLgPADSIGkAZQAA4LQi0iAAAUF0BiMKI3IAcgAAoAMp8iFpZQDgtSLSIGkAbQAA4Dwi0iCAAUFhbgAaIx4jKiNyAHIAAKDWIXIAAAFociMjJiNrAACgIylvoJYh9wD/DuUhYXIAoCcpUxJqFAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAVCMAAF4jaSN/I4IjjSOeI8AUAAAAAKYjwCMAANoj3yMAAO8jHiQvJD8kRCQAAWNzVyNsFHUAdABlADuA8wDzQAABaXlhI2cjcgBjoJoiO4D0APRAPmSAAmFiaW9zAHEjdCN3I3EBeiNzAOgAdhTsIWFjUWF2AACgOCrvIWxkAKC8KewhaWdTYQABY3KFI4kjaQByAACgvykA4DXYLN1vA5QjAAAAAJYjAACcI24A22JhAHYAZQA7gPIA8kAAoMEpAAFibaEjjAphAHIAAKC1KQACYWNpdKwjryO6I70jcgDyAFkUAAFpcrMjtiNyAACgvinvIXNzAKC7KW4A5QDZCgCgwCmAAWFlaQDFI8gjyyNjAHIATWFnAGEAyWOAAWNkbgDRI9Qj1iPyIW9uv2MAoLYpdQDzAHgBcABmAADgNdhg3YABYWVsAOQj5yPrI3IAAKC3KXIAcAAAoLkpdQDzAHwBAKMoImFkaW9zdvkj/CMPJBMkFiQbJHIA8gBeFIChXSplZm0AAyQJJAwkcgBvoDQhZgAAoDQhO4CqAKpAO4C6ALpA5yFvZgCgtiJyAACgVipsIm9wZQAAoFcqAKBbKoABY2xvACMkJSQrJPIACCRhAHMAaAA7gPgA+EBsAACgmCJpAGwBMyQ4JGQAZQA7gPUA9UBlAHMAYaCXInMAAKA2Km0AbAA7gPYA9kDiIWFyAKA9I+EKXiQAAHokAAB8JJQkAACYJKkkAAAAALUkEQsAAPAkAAAAAAQleiUAAIMlcgCAoSUiYXN0AGUkbyQBCwCBtgA7bGokayS2QGwAZQDsABgDaQJ1JAAAAAB4JG0AAKDzKgCg/Sp5AD9kcgCAAmNpbXB0AIUkiCSLJJkSjyRuAHQAJWBvAGQALmBpAGwAAKAwIOUhbmsAoDEgcgAA4DXYLd2AAWltbwCdJKAkpCR2oMYD1WNtAGEA9AD+B24AZQAAoA4m9KHAA64kAAC0JGMjaGZvcmsAAKDUItZjAAFhdbgkxCRuAAABY2u9JMIkawBooA8hAKAOIfYAaRpzAACkKwBhYmNkZW1zdNMkIRPXJNsk4STjJOck6yTjIWlyAKAjKmkAcgAAoCIqAAFvdYsW3yQAoCUqAKByKm4AO4CxALFAaQBtAACgJip3AG8AAKAnKoABaXB1APUk+iT+JO4idGludACgFSpmAADgNdhh3W4AZAA7gKMAo0CApHoiRWFjZWlub3N1ABMlFSUYJRslTCVRJVklSSV1JQCgsypwAACgtyp1AOUAPwtjoK8qgKJ6ImFjZW5zACclLSU0JTYlSSVwAHAAcgBvAPgAFyV1AHIAbAB5AGUA8QA/C/EAOAuAAWFlcwA8JUElRSXwInByb3gAoLkqcQBxAACgtSppAG0AAKDoImkA7QBEC20AZQDzoDIgIguAAUVhcwBDJVclRSXwAEAlgAFkZnAATwtfJXElgAFhbHMAZSVpJW0l7CFhcgCgLiPpIW5lAKASI/UhcmYAoBMjdKAdIu8AWQvyIWVsAKCwIgABY2l9JYElcgAA4DXYxdzIY24iY3NwAACgCCAAA2Zpb3BzdZElKxuVJZolnyWkJXIAAOA12C7dcABmAADgNdhi3XIiaW1lAACgVyBjAHIAAOA12MbcgAFhZW8AqiW6JcAldAAAAWVpryW2JXIAbgBpAG8AbgDzABkFbgB0AACgFipzAHQAZaA/APEACRj0AG0LgApBQkhhYmNkZWZoaWxtbm9wcnN0dXgA4yXyJfYl+iVpJpAmpia9JtUm5ib4JlonaCdxJ3UnnietJ7EnyCfiJ+cngAFhcnQA6SXsJe4lcgDyAJkM8gD6AuEhaWwAoBwpYQByAPIA3BVhAHIAAKBkKYADY2RlbnFydAAGJhAmEyYYJiYmKyZaJgABZXUKJg0mAOA9IjEDdABlAFVhaQDjACAN7SJwdHl2AKCzKWcAgKHpJ2RlbAAgJiImJCYAoJIpAKClKeUA9wt1AG8AO4C7ALtAcgAApZIhYWJjZmhscHN0dz0mQCZFJkcmSiZMJk4mUSZVJlgmcAAAoHUpZqDlIXMAAKAgKQCgMylzAACgHinrALka8ACVHmwAAKBFKWkAbQAAoHQpbAAAoKMhAKCdIQABYWleJmImaQBsAACgGilvAG6gNiJhAGwA8wB2C4ABYWJyAG8mciZ2JnIA8gAvEnIAawAAoHMnAAFha3omgSZjAAABZWt/JoAmfWBdYAABZXOFJocmAKCMKWwAAAFkdYwmjiYAoI4pAKCQKQACYWV1eZcmmiajJqUm8iFvbllhAAFkaZ4moSZpAGwAV2HsAA8M4gCAJkBkAAJjbHFzrSawJrUmuiZhAACgNylkImhhcgAAoGkpdQBvAPKgHSCjAWgAAKCzIYABYWNnAMMm0iaUC2wAgKEcIWlwcwDLJs4migxuAOUAoAxhAHIA9ADaC3QAAKCtJYABaWxyANsm3ybjJvMhaHQAoH0pbwBvAPIANgwA4DXYL90AAWFv6ib1JnIAAAFkde8m8SYAoMEhbKDAIQCgbCl2oMED8WOAAWducwD+Jk4nUCdoAHQAAANhaGxyc3QKJxInISc1Jz0nRydyInJvdwB0oJIhYQDpAFYmYSNycG9vbgAAAWR1GiceJ28AdwDuAPAmcAAAoMAh5SFmdAABYWgnJy0ncgByAG8AdwDzAAkMYQByAHAAbwBvAG4A8wATBGklZ2h0YXJyb3dzAACgySFxAHUAaQBnAGEAcgByAG8A9wBZJugkcmVldGltZXMAoMwiZwDaYmkAbgBnAGQAbwB0AHMAZQDxABwYgAFhaG0AYCdjJ2YncgDyAAkMYQDyABMEAKAPIG8idXN0AGGgsSPjIWhlAKCxI+0haWQAoO4qAAJhYnB0fCeGJ4knmScAAW5ygCeDJ2cAAKDtJ3IAAKD+IXIA6wAcDIABYWZsAI8nkieVJ3IAAKCGKQDgNdhj3XUAcwAAoC4qaSJtZXMAAKA1KgABYXCiJ6gncgBnoCkAdAAAoJQp7yJsaW50AKASKmEAcgDyADwnAAJhY2hxuCe8J6EMwCfxIXVvAKA6IHIAAOA12MfcAAFidYAmxCdvAPKgGSCoAYABaGlyAM4n0ifWJ3IAZQDlAE0n7SFlcwCgyiJpAIChuSVlZmwAXAxjEt4n9CFyaQCgzinsInVoYXIAoGgpAKAeIWENBSgJKA0oSyhVKIYoAACLKLAoAAAAAOMo5ygAABApJCkxKW0pcSmHKaYpAACYKgAAAACxKmMidXRlAFthcQB1AO8ABR+ApHsiRWFjZWlucHN5ABwoHignKCooLygyKEEoRihJKACgtCrwASMoAAAlKACguCpvAG4AYWF1AOUAgw1koLAqaQBsAF9hcgBjAF1hgAFFYXMAOCg6KD0oAKC2KnAAAKC6KmkAbQAAoOki7yJsaW50AKATKmkA7QCIDUFkbwB0AGKixSKRFgAAAABTKACgZiqAA0FhY21zdHgAYChkKG8ocyh1KHkogihyAHIAAKDYIXIAAAFocmkoayjrAJAab6CYIfcAzAd0ADuApwCnQGkAO2D3IWFyAKApKW0AAAFpbn4ozQBuAHUA8wDOAHQAAKA2J3IA7+A12DDdIxkAAmFjb3mRKJUonSisKHIAcAAAoG8mAAFoeZkonChjAHkASWRIZHIAdABtAqUoAAAAAKgoaQDkAFsPYQByAGEA7ABsJDuArQCtQAABZ22zKLsobQBhAAChwwNmdroouijCY4CjPCJkZWdsbnByAMgozCjPKNMo1yjaKN4obwB0AACgairxoEMiCw5FoJ4qAKCgKkWgnSoAoJ8qZQAAoEYi7CF1cwCgJCrhIXJyAKByKWEAcgDyAPwMAAJhZWl07Sj8KAEpCCkAAWxz8Sj4KGwAcwBlAHQAbQDpAH8oaABwAACgMyrwImFyc2wAoOQpAAFkbFoPBSllAACgIyNloKoqc6CsKgDgrCoA/oABZmxwABUpGCkfKfQhY3lMZGKgLwBhoMQpcgAAoD8jZgAA4DXYZN1hAAABZHIoKRcDZQBzAHWgYCZpAHQAAKBgJoABY3N1ADYpRilhKQABYXU6KUApcABzoJMiAOCTIgD+cABzoJQiAOCUIgD+dQAAAWJwSylWKQChjyJlcz4NUCllAHQAZaCPIvEAPw0AoZAiZXNIDVspZQB0AGWgkCLxAEkNAKGhJWFmZilbBHIAZQFrKVwEAKChJWEAcgDyAAMNAAJjZW10dyl7KX8pgilyAADgNdjI3HQAbQDuAM4AaQDsAAYpYQByAOYAVw0AAWFyiimOKXIA5qAGJhESAAFhbpIpoylpImdodAAAAWVwmSmgKXAAcwBpAGwAbwDuANkXaADpAKAkcwCvYIACYmNtbnAArin8KY4NJSooKgCkgiJFZGVtbnByc7wpvinCKcgpzCnUKdgp3CkAoMUqbwB0AACgvSpkoIYibwB0AACgwyr1IWx0AKDBKgABRWXQKdIpAKDLKgCgiiLsIXVzAKC/KuEhcnIAoHkpgAFlaXUA4inxKfQpdAAAoYIiZW7oKewpcQDxoIYivSllAHEA8aCKItEpbQAAoMcqAAFicPgp+ikAoNUqAKDTKmMAgKJ7ImFjZW5zAAcqDSoUKhYqRihwAHAAcgBvAPgAIyh1AHIAbAB5AGUA8QCDDfEAfA2AAWFlcwAcKiIqPShwAHAAcgBvAPgAPChxAPEAOShnAACgaiYApoMiMTIzRWRlaGxtbnBzPCo/KkIqRSpHKlIqWCpjKmcqaypzKncqO4C5ALlAO4CyALJAO4CzALNAAKDGKgABb3NLKk4qdAAAoL4qdQBiAACg2CpkoIcibwB0AACgxCpzAAABb3VdKmAqbAAAoMknYgAAoNcq4SFycgCgeyn1IWx0AKDCKgABRWVvKnEqAKDMKgCgiyLsIXVzAKDAKoABZWl1AH0qjCqPKnQAAKGDImVugyqHKnEA8aCHIkYqZQBxAPGgiyJwKm0AAKDIKgABYnCTKpUqAKDUKgCg1iqAAUFhbgCdKqEqrCpyAHIAAKDZIXIAAAFocqYqqCrrAJUab6CZIfcAxQf3IWFyAKAqKWwAaQBnADuA3wDfQOELzyrZKtwq6SrsKvEqAAD1KjQrAAAAAAAAAAAAAEwrbCsAAHErvSsAAAAAAADRK3IC1CoAAAAA2CrnIWV0AKAWI8RjcgDrAOUKgAFhZXkA4SrkKucq8iFvbmVh5CFpbGNhQmRvAPQAIg5sInJlYwAAoBUjcgAA4DXYMd0AAmVpa2/7KhIrKCsuK/IBACsAAAkrZQAAATRm6g0EK28AcgDlAOsNYQBzorgDECsAAAAAEit5AG0A0WMAAWNuFislK2sAAAFhcxsrIStwAHAAcgBvAPgAFw5pAG0AAKA8InMA8AD9DQABYXMsKyEr8AAXDnIAbgA7gP4A/kDsATgrOyswG2QA5QBnAmUAcwCAgdcAO2JkAEMrRCtJK9dAYaCgInIAAKAxKgCgMCqAAWVwcwBRK1MraSvhAAkh4qKkIlsrXysAAAAAYytvAHQAAKA2I2kAcgAAoPEqb+A12GXdcgBrAACg2irhAHgociJpbWUAAKA0IIABYWlwAHYreSu3K2QA5QC+DYADYWRlbXBzdACFK6MrmiunK6wrsCuzK24iZ2xlAACitSVkbHFykCuUK5ornCvvIXduAKC/JeUhZnRloMMl8QACBwCgXCJpImdodABloLkl8QBdDG8AdAAAoOwlaSJudXMAAKA6KuwhdXMAoDkqYgAAoM0p6SFtZQCgOyrlInppdW0AoOIjgAFjaHQAwivKK80rAAFyecYrySsA4DXYydxGZGMAeQBbZPIhb2tnYQABaW/UK9creAD0ANERaCJlYWQAAAFsct4r5ytlAGYAdABhAHIAcgBvAPcAXQbpJGdodGFycm93AKCgIQAJQUhhYmNkZmdobG1vcHJzdHV3CiwNLBEsHSwnLDEsQCxLLFIsYix6LIQsjyzLLOgs7Sz/LAotcgDyAAkDYQByAACgYykAAWNyFSwbLHUAdABlADuA+gD6QPIACQ1yAOMBIywAACUseQBeZHYAZQBtYQABaXkrLDAscgBjADuA+wD7QENkgAFhYmgANyw6LD0scgDyANEO7CFhY3FhYQDyAOAOAAFpckQsSCzzIWh0AKB+KQDgNdgy3XIAYQB2AGUAO4D5APlAYQFWLF8scgAAAWxyWixcLACgvyEAoL4hbABrAACggCUAAWN0Zix2LG8CbCwAAAAAcyxyAG4AZaAcI3IAAKAcI28AcAAAoA8jcgBpAACg+CUAAWFsfiyBLGMAcgBrYTuAqACoQAABZ3CILIssbwBuAHNhZgAA4DXYZt0AA2FkaGxzdZksniynLLgsuyzFLHIAcgBvAPcACQ1vAHcAbgBhAHIAcgBvAPcA2A5hI3Jwb29uAAABbHKvLLMsZQBmAPQAWyxpAGcAaAD0AF0sdQDzAKYOaQAAocUDaGzBLMIs0mNvAG4AxWPwI2Fycm93cwCgyCGAAWNpdADRLOEs5CxvAtcsAAAAAN4scgBuAGWgHSNyAACgHSNvAHAAAKAOI24AZwBvYXIAaQAAoPklYwByAADgNdjK3IABZGlyAPMs9yz6LG8AdAAAoPAi7CFkZWlhaQBmoLUlAKC0JQABYW0DLQYtcgDyAMosbAA7gPwA/EDhIm5nbGUAoKcpgAdBQkRhY2RlZmxub3Byc3oAJy0qLTAtNC2bLZ0toS2/LcMtxy3TLdgt3C3gLfwtcgDyABADYQByAHag6CoAoOkqYQBzAOgA/gIAAW5yOC08LechcnQAoJwpgANla25wcnN0AJkpSC1NLVQtXi1iLYItYQBwAHAA4QAaHG8AdABoAGkAbgDnAKEXgAFoaXIAoSmzJFotbwBwAPQAdCVooJUh7wD4JgABaXVmLWotZwBtAOEAuygAAWJwbi14LXMjZXRuZXEAceCKIgD+AODLKgD+cyNldG5lcQBx4IsiAP4A4MwqAP4AAWhyhi2KLWUAdADhABIraSNhbmdsZQAAAWxyki2WLeUhZnQAoLIiaSJnaHQAAKCzInkAMmThIXNoAKCiIoABZWxyAKcttC24LWKiKCKuLQAAAACyLWEAcgAAoLsicQAAoFoi7CFpcACg7iIAAWJ0vC1eD2EA8gBfD3IAAOA12DPddAByAOkAlS1zAHUAAAFicM0t0C0A4IIi0iAA4IMi0iBwAGYAAOA12GfdcgBvAPAAWQt0AHIA6QCaLQABY3XkLegtcgAA4DXYy9wAAWJw7C30LW4AAAFFZXUt8S0A4IoiAP5uAAABRWV/LfktAOCLIgD+6SJnemFnAKCaKYADY2Vmb3BycwANLhAuJS4pLiMuLi40LukhcmN1YQABZGkULiEuAAFiZxguHC5hAHIAAKBfKmUAcaAnIgCgWSLlIXJwAKAYIXIAAOA12DTdcABmAADgNdho3WWgQCJhAHQA6ABqD2MAcgAA4DXYzNzjCuQRUC4AAFQuAABYLmIuAAAAAGMubS5wLnQuAAAAAIguki4AAJouJxIqEnQAcgDpAB0ScgAA4DXYNd0AAUFhWy5eLnIA8gDnAnIA8gCTB75jAAFBYWYuaS5yAPIA4AJyAPIAjAdhAPAAeh5pAHMAAKD7IoABZHB0APgReS6DLgABZmx9LoAuAOA12GnddQDzAP8RaQBtAOUABBIAAUFhiy6OLnIA8gDuAnIA8gCaBwABY3GVLgoScgAA4DXYzdwAAXB0nS6hLmwAdQDzACUScgDpACASAARhY2VmaW9zdbEuvC7ELsguzC7PLtQu2S5jAAABdXm2LrsudABlADuA/QD9QE9kAAFpecAuwy5yAGMAd2FLZG4AO4ClAKVAcgAA4DXYNt1jAHkAV2RwAGYAAOA12GrdYwByAADgNdjO3AABY23dLt8ueQBOZGwAO4D/AP9AAAVhY2RlZmhpb3N38y73Lv8uAi8MLxAvEy8YLx0vIi9jInV0ZQB6YQABYXn7Lv4u8iFvbn5hN2RvAHQAfGEAAWV0Bi8KL3QAcgDmAB8QYQC2Y3IAAOA12DfdYwB5ADZk5yJyYXJyAKDdIXAAZgAA4DXYa91jAHIAAOA12M/cAAFqbiYvKC8AoA0gagAAoAwg");
//# sourceMappingURL=decode-data-html.js.map
;// CONCATENATED MODULE: ./node_modules/entities/dist/esm/generated/decode-data-xml.js
// Generated using scripts/write-decode-map.ts

const decode_data_xml_xmlDecodeTree = /* #__PURE__ */ decodeBase64("AAJhZ2xxBwARABMAFQBtAg0AAAAAAA8AcAAmYG8AcwAnYHQAPmB0ADxg9SFvdCJg");
//# sourceMappingURL=decode-data-xml.js.map
;// CONCATENATED MODULE: ./node_modules/entities/dist/esm/decode.js




var CharCodes;
(function (CharCodes) {
    CharCodes[CharCodes["NUM"] = 35] = "NUM";
    CharCodes[CharCodes["SEMI"] = 59] = "SEMI";
    CharCodes[CharCodes["EQUALS"] = 61] = "EQUALS";
    CharCodes[CharCodes["ZERO"] = 48] = "ZERO";
    CharCodes[CharCodes["NINE"] = 57] = "NINE";
    CharCodes[CharCodes["LOWER_A"] = 97] = "LOWER_A";
    CharCodes[CharCodes["LOWER_F"] = 102] = "LOWER_F";
    CharCodes[CharCodes["LOWER_X"] = 120] = "LOWER_X";
    CharCodes[CharCodes["LOWER_Z"] = 122] = "LOWER_Z";
    CharCodes[CharCodes["UPPER_A"] = 65] = "UPPER_A";
    CharCodes[CharCodes["UPPER_F"] = 70] = "UPPER_F";
    CharCodes[CharCodes["UPPER_Z"] = 90] = "UPPER_Z";
})(CharCodes || (CharCodes = {}));
/** Bit that needs to be set to convert an upper case ASCII character to lower case */
const TO_LOWER_BIT = 32;
function isNumber(code) {
    return code >= CharCodes.ZERO && code <= CharCodes.NINE;
}
function isHexadecimalCharacter(code) {
    return ((code >= CharCodes.UPPER_A && code <= CharCodes.UPPER_F) ||
        (code >= CharCodes.LOWER_A && code <= CharCodes.LOWER_F));
}
function isAsciiAlphaNumeric(code) {
    return ((code >= CharCodes.UPPER_A && code <= CharCodes.UPPER_Z) ||
        (code >= CharCodes.LOWER_A && code <= CharCodes.LOWER_Z) ||
        isNumber(code));
}
/**
 * Checks if the given character is a valid end character for an entity in an attribute.
 *
 * Attribute values that aren't terminated properly aren't parsed, and shouldn't lead to a parser error.
 * See the example in https://html.spec.whatwg.org/multipage/parsing.html#named-character-reference-state
 */
function isEntityInAttributeInvalidEnd(code) {
    return code === CharCodes.EQUALS || isAsciiAlphaNumeric(code);
}
var EntityDecoderState;
(function (EntityDecoderState) {
    EntityDecoderState[EntityDecoderState["EntityStart"] = 0] = "EntityStart";
    EntityDecoderState[EntityDecoderState["NumericStart"] = 1] = "NumericStart";
    EntityDecoderState[EntityDecoderState["NumericDecimal"] = 2] = "NumericDecimal";
    EntityDecoderState[EntityDecoderState["NumericHex"] = 3] = "NumericHex";
    EntityDecoderState[EntityDecoderState["NamedEntity"] = 4] = "NamedEntity";
})(EntityDecoderState || (EntityDecoderState = {}));
var decode_DecodingMode;
(function (DecodingMode) {
    /** Entities in text nodes that can end with any character. */
    DecodingMode[DecodingMode["Legacy"] = 0] = "Legacy";
    /** Only allow entities terminated with a semicolon. */
    DecodingMode[DecodingMode["Strict"] = 1] = "Strict";
    /** Entities in attributes have limitations on ending characters. */
    DecodingMode[DecodingMode["Attribute"] = 2] = "Attribute";
})(decode_DecodingMode || (decode_DecodingMode = {}));
/**
 * Token decoder with support of writing partial entities.
 */
class EntityDecoder {
    constructor(
    /** The tree used to decode entities. */
    // biome-ignore lint/correctness/noUnusedPrivateClassMembers: False positive
    decodeTree, 
    /**
     * The function that is called when a codepoint is decoded.
     *
     * For multi-byte named entities, this will be called multiple times,
     * with the second codepoint, and the same `consumed` value.
     *
     * @param codepoint The decoded codepoint.
     * @param consumed The number of bytes consumed by the decoder.
     */
    emitCodePoint, 
    /** An object that is used to produce errors. */
    errors) {
        this.decodeTree = decodeTree;
        this.emitCodePoint = emitCodePoint;
        this.errors = errors;
        /** The current state of the decoder. */
        this.state = EntityDecoderState.EntityStart;
        /** Characters that were consumed while parsing an entity. */
        this.consumed = 1;
        /**
         * The result of the entity.
         *
         * Either the result index of a numeric entity, or the codepoint of a
         * numeric entity.
         */
        this.result = 0;
        /** The current index in the decode tree. */
        this.treeIndex = 0;
        /** The number of characters that were consumed in excess. */
        this.excess = 1;
        /** The mode in which the decoder is operating. */
        this.decodeMode = decode_DecodingMode.Strict;
        /** The number of characters that have been consumed in the current run. */
        this.runConsumed = 0;
    }
    /** Resets the instance to make it reusable. */
    startEntity(decodeMode) {
        this.decodeMode = decodeMode;
        this.state = EntityDecoderState.EntityStart;
        this.result = 0;
        this.treeIndex = 0;
        this.excess = 1;
        this.consumed = 1;
        this.runConsumed = 0;
    }
    /**
     * Write an entity to the decoder. This can be called multiple times with partial entities.
     * If the entity is incomplete, the decoder will return -1.
     *
     * Mirrors the implementation of `getDecoder`, but with the ability to stop decoding if the
     * entity is incomplete, and resume when the next string is written.
     *
     * @param input The string containing the entity (or a continuation of the entity).
     * @param offset The offset at which the entity begins. Should be 0 if this is not the first call.
     * @returns The number of characters that were consumed, or -1 if the entity is incomplete.
     */
    write(input, offset) {
        switch (this.state) {
            case EntityDecoderState.EntityStart: {
                if (input.charCodeAt(offset) === CharCodes.NUM) {
                    this.state = EntityDecoderState.NumericStart;
                    this.consumed += 1;
                    return this.stateNumericStart(input, offset + 1);
                }
                this.state = EntityDecoderState.NamedEntity;
                return this.stateNamedEntity(input, offset);
            }
            case EntityDecoderState.NumericStart: {
                return this.stateNumericStart(input, offset);
            }
            case EntityDecoderState.NumericDecimal: {
                return this.stateNumericDecimal(input, offset);
            }
            case EntityDecoderState.NumericHex: {
                return this.stateNumericHex(input, offset);
            }
            case EntityDecoderState.NamedEntity: {
                return this.stateNamedEntity(input, offset);
            }
        }
    }
    /**
     * Switches between the numeric decimal and hexadecimal states.
     *
     * Equivalent to the `Numeric character reference state` in the HTML spec.
     *
     * @param input The string containing the entity (or a continuation of the entity).
     * @param offset The current offset.
     * @returns The number of characters that were consumed, or -1 if the entity is incomplete.
     */
    stateNumericStart(input, offset) {
        if (offset >= input.length) {
            return -1;
        }
        if ((input.charCodeAt(offset) | TO_LOWER_BIT) === CharCodes.LOWER_X) {
            this.state = EntityDecoderState.NumericHex;
            this.consumed += 1;
            return this.stateNumericHex(input, offset + 1);
        }
        this.state = EntityDecoderState.NumericDecimal;
        return this.stateNumericDecimal(input, offset);
    }
    /**
     * Parses a hexadecimal numeric entity.
     *
     * Equivalent to the `Hexademical character reference state` in the HTML spec.
     *
     * @param input The string containing the entity (or a continuation of the entity).
     * @param offset The current offset.
     * @returns The number of characters that were consumed, or -1 if the entity is incomplete.
     */
    stateNumericHex(input, offset) {
        while (offset < input.length) {
            const char = input.charCodeAt(offset);
            if (isNumber(char) || isHexadecimalCharacter(char)) {
                // Convert hex digit to value (0-15); 'a'/'A' -> 10.
                const digit = char <= CharCodes.NINE
                    ? char - CharCodes.ZERO
                    : (char | TO_LOWER_BIT) - CharCodes.LOWER_A + 10;
                this.result = this.result * 16 + digit;
                this.consumed++;
                offset++;
            }
            else {
                return this.emitNumericEntity(char, 3);
            }
        }
        return -1; // Incomplete entity
    }
    /**
     * Parses a decimal numeric entity.
     *
     * Equivalent to the `Decimal character reference state` in the HTML spec.
     *
     * @param input The string containing the entity (or a continuation of the entity).
     * @param offset The current offset.
     * @returns The number of characters that were consumed, or -1 if the entity is incomplete.
     */
    stateNumericDecimal(input, offset) {
        while (offset < input.length) {
            const char = input.charCodeAt(offset);
            if (isNumber(char)) {
                this.result = this.result * 10 + (char - CharCodes.ZERO);
                this.consumed++;
                offset++;
            }
            else {
                return this.emitNumericEntity(char, 2);
            }
        }
        return -1; // Incomplete entity
    }
    /**
     * Validate and emit a numeric entity.
     *
     * Implements the logic from the `Hexademical character reference start
     * state` and `Numeric character reference end state` in the HTML spec.
     *
     * @param lastCp The last code point of the entity. Used to see if the
     *               entity was terminated with a semicolon.
     * @param expectedLength The minimum number of characters that should be
     *                       consumed. Used to validate that at least one digit
     *                       was consumed.
     * @returns The number of characters that were consumed.
     */
    emitNumericEntity(lastCp, expectedLength) {
        var _a;
        // Ensure we consumed at least one digit.
        if (this.consumed <= expectedLength) {
            (_a = this.errors) === null || _a === void 0 ? void 0 : _a.absenceOfDigitsInNumericCharacterReference(this.consumed);
            return 0;
        }
        // Figure out if this is a legit end of the entity
        if (lastCp === CharCodes.SEMI) {
            this.consumed += 1;
        }
        else if (this.decodeMode === decode_DecodingMode.Strict) {
            return 0;
        }
        this.emitCodePoint(replaceCodePoint(this.result), this.consumed);
        if (this.errors) {
            if (lastCp !== CharCodes.SEMI) {
                this.errors.missingSemicolonAfterCharacterReference();
            }
            this.errors.validateNumericCharacterReference(this.result);
        }
        return this.consumed;
    }
    /**
     * Parses a named entity.
     *
     * Equivalent to the `Named character reference state` in the HTML spec.
     *
     * @param input The string containing the entity (or a continuation of the entity).
     * @param offset The current offset.
     * @returns The number of characters that were consumed, or -1 if the entity is incomplete.
     */
    stateNamedEntity(input, offset) {
        const { decodeTree } = this;
        let current = decodeTree[this.treeIndex];
        // The length is the number of bytes of the value, including the current byte.
        let valueLength = (current & BinTrieFlags.VALUE_LENGTH) >> 14;
        while (offset < input.length) {
            // Handle compact runs (possibly inline): valueLength == 0 and SEMI_REQUIRED bit set.
            if (valueLength === 0 && (current & BinTrieFlags.FLAG13) !== 0) {
                const runLength = (current & BinTrieFlags.BRANCH_LENGTH) >> 7; /* 2..63 */
                // If we are starting a run, check the first char.
                if (this.runConsumed === 0) {
                    const firstChar = current & BinTrieFlags.JUMP_TABLE;
                    if (input.charCodeAt(offset) !== firstChar) {
                        return this.result === 0
                            ? 0
                            : this.emitNotTerminatedNamedEntity();
                    }
                    offset++;
                    this.excess++;
                    this.runConsumed++;
                }
                // Check remaining characters in the run.
                while (this.runConsumed < runLength) {
                    if (offset >= input.length) {
                        return -1;
                    }
                    const charIndexInPacked = this.runConsumed - 1;
                    const packedWord = decodeTree[this.treeIndex + 1 + (charIndexInPacked >> 1)];
                    const expectedChar = charIndexInPacked % 2 === 0
                        ? packedWord & 0xff
                        : (packedWord >> 8) & 0xff;
                    if (input.charCodeAt(offset) !== expectedChar) {
                        this.runConsumed = 0;
                        return this.result === 0
                            ? 0
                            : this.emitNotTerminatedNamedEntity();
                    }
                    offset++;
                    this.excess++;
                    this.runConsumed++;
                }
                this.runConsumed = 0;
                this.treeIndex += 1 + (runLength >> 1);
                current = decodeTree[this.treeIndex];
                valueLength = (current & BinTrieFlags.VALUE_LENGTH) >> 14;
            }
            if (offset >= input.length)
                break;
            const char = input.charCodeAt(offset);
            /*
             * Implicit semicolon handling for nodes that require a semicolon but
             * don't have an explicit ';' branch stored in the trie. If we have
             * a value on the current node, it requires a semicolon, and the
             * current input character is a semicolon, emit the entity using the
             * current node (without descending further).
             */
            if (char === CharCodes.SEMI &&
                valueLength !== 0 &&
                (current & BinTrieFlags.FLAG13) !== 0) {
                return this.emitNamedEntityData(this.treeIndex, valueLength, this.consumed + this.excess);
            }
            this.treeIndex = determineBranch(decodeTree, current, this.treeIndex + Math.max(1, valueLength), char);
            if (this.treeIndex < 0) {
                return this.result === 0 ||
                    // If we are parsing an attribute
                    (this.decodeMode === decode_DecodingMode.Attribute &&
                        // We shouldn't have consumed any characters after the entity,
                        (valueLength === 0 ||
                            // And there should be no invalid characters.
                            isEntityInAttributeInvalidEnd(char)))
                    ? 0
                    : this.emitNotTerminatedNamedEntity();
            }
            current = decodeTree[this.treeIndex];
            valueLength = (current & BinTrieFlags.VALUE_LENGTH) >> 14;
            // If the branch is a value, store it and continue
            if (valueLength !== 0) {
                // If the entity is terminated by a semicolon, we are done.
                if (char === CharCodes.SEMI) {
                    return this.emitNamedEntityData(this.treeIndex, valueLength, this.consumed + this.excess);
                }
                // If we encounter a non-terminated (legacy) entity while parsing strictly, then ignore it.
                if (this.decodeMode !== decode_DecodingMode.Strict &&
                    (current & BinTrieFlags.FLAG13) === 0) {
                    this.result = this.treeIndex;
                    this.consumed += this.excess;
                    this.excess = 0;
                }
            }
            // Increment offset & excess for next iteration
            offset++;
            this.excess++;
        }
        return -1;
    }
    /**
     * Emit a named entity that was not terminated with a semicolon.
     *
     * @returns The number of characters consumed.
     */
    emitNotTerminatedNamedEntity() {
        var _a;
        const { result, decodeTree } = this;
        const valueLength = (decodeTree[result] & BinTrieFlags.VALUE_LENGTH) >> 14;
        this.emitNamedEntityData(result, valueLength, this.consumed);
        (_a = this.errors) === null || _a === void 0 ? void 0 : _a.missingSemicolonAfterCharacterReference();
        return this.consumed;
    }
    /**
     * Emit a named entity.
     *
     * @param result The index of the entity in the decode tree.
     * @param valueLength The number of bytes in the entity.
     * @param consumed The number of characters consumed.
     *
     * @returns The number of characters consumed.
     */
    emitNamedEntityData(result, valueLength, consumed) {
        const { decodeTree } = this;
        this.emitCodePoint(valueLength === 1
            ? decodeTree[result] &
                ~(BinTrieFlags.VALUE_LENGTH | BinTrieFlags.FLAG13)
            : decodeTree[result + 1], consumed);
        if (valueLength === 3) {
            // For multi-byte values, we need to emit the second byte.
            this.emitCodePoint(decodeTree[result + 2], consumed);
        }
        return consumed;
    }
    /**
     * Signal to the parser that the end of the input was reached.
     *
     * Remaining data will be emitted and relevant errors will be produced.
     *
     * @returns The number of characters consumed.
     */
    end() {
        var _a;
        switch (this.state) {
            case EntityDecoderState.NamedEntity: {
                // Emit a named entity if we have one.
                return this.result !== 0 &&
                    (this.decodeMode !== decode_DecodingMode.Attribute ||
                        this.result === this.treeIndex)
                    ? this.emitNotTerminatedNamedEntity()
                    : 0;
            }
            // Otherwise, emit a numeric entity if we have one.
            case EntityDecoderState.NumericDecimal: {
                return this.emitNumericEntity(0, 2);
            }
            case EntityDecoderState.NumericHex: {
                return this.emitNumericEntity(0, 3);
            }
            case EntityDecoderState.NumericStart: {
                (_a = this.errors) === null || _a === void 0 ? void 0 : _a.absenceOfDigitsInNumericCharacterReference(this.consumed);
                return 0;
            }
            case EntityDecoderState.EntityStart: {
                // Return 0 if we have no entity.
                return 0;
            }
        }
    }
}
/**
 * Creates a function that decodes entities in a string.
 *
 * @param decodeTree The decode tree.
 * @returns A function that decodes entities in a string.
 */
function getDecoder(decodeTree) {
    let returnValue = "";
    const decoder = new EntityDecoder(decodeTree, (data) => (returnValue += fromCodePoint(data)));
    return function decodeWithTrie(input, decodeMode) {
        let lastIndex = 0;
        let offset = 0;
        while ((offset = input.indexOf("&", offset)) >= 0) {
            returnValue += input.slice(lastIndex, offset);
            decoder.startEntity(decodeMode);
            const length = decoder.write(input, 
            // Skip the "&"
            offset + 1);
            if (length < 0) {
                lastIndex = offset + decoder.end();
                break;
            }
            lastIndex = offset + length;
            // If `length` is 0, skip the current `&` and continue.
            offset = length === 0 ? lastIndex + 1 : lastIndex;
        }
        const result = returnValue + input.slice(lastIndex);
        // Make sure we don't keep a reference to the final string.
        returnValue = "";
        return result;
    };
}
/**
 * Determines the branch of the current node that is taken given the current
 * character. This function is used to traverse the trie.
 *
 * @param decodeTree The trie.
 * @param current The current node.
 * @param nodeIdx The index right after the current node and its value.
 * @param char The current character.
 * @returns The index of the next node, or -1 if no branch is taken.
 */
function determineBranch(decodeTree, current, nodeIndex, char) {
    const branchCount = (current & BinTrieFlags.BRANCH_LENGTH) >> 7;
    const jumpOffset = current & BinTrieFlags.JUMP_TABLE;
    // Case 1: Single branch encoded in jump offset
    if (branchCount === 0) {
        return jumpOffset !== 0 && char === jumpOffset ? nodeIndex : -1;
    }
    // Case 2: Multiple branches encoded in jump table
    if (jumpOffset) {
        const value = char - jumpOffset;
        return value < 0 || value >= branchCount
            ? -1
            : decodeTree[nodeIndex + value] - 1;
    }
    // Case 3: Multiple branches encoded in packed dictionary (two keys per uint16)
    const packedKeySlots = (branchCount + 1) >> 1;
    /*
     * Treat packed keys as a virtual sorted array of length `branchCount`.
     * Key(i) = low byte for even i, high byte for odd i in slot i>>1.
     */
    let lo = 0;
    let hi = branchCount - 1;
    while (lo <= hi) {
        const mid = (lo + hi) >>> 1;
        const slot = mid >> 1;
        const packed = decodeTree[nodeIndex + slot];
        const midKey = (packed >> ((mid & 1) * 8)) & 0xff;
        if (midKey < char) {
            lo = mid + 1;
        }
        else if (midKey > char) {
            hi = mid - 1;
        }
        else {
            return decodeTree[nodeIndex + packedKeySlots + mid];
        }
    }
    return -1;
}
const htmlDecoder = /* #__PURE__ */ (/* unused pure expression or super */ null && (getDecoder(htmlDecodeTree)));
const xmlDecoder = /* #__PURE__ */ (/* unused pure expression or super */ null && (getDecoder(xmlDecodeTree)));
/**
 * Decodes an HTML string.
 *
 * @param htmlString The string to decode.
 * @param mode The decoding mode.
 * @returns The decoded string.
 */
function decode_decodeHTML(htmlString, mode = decode_DecodingMode.Legacy) {
    return htmlDecoder(htmlString, mode);
}
/**
 * Decodes an HTML string in an attribute.
 *
 * @param htmlAttribute The string to decode.
 * @returns The decoded string.
 */
function decodeHTMLAttribute(htmlAttribute) {
    return htmlDecoder(htmlAttribute, decode_DecodingMode.Attribute);
}
/**
 * Decodes an HTML string, requiring all entities to be terminated by a semicolon.
 *
 * @param htmlString The string to decode.
 * @returns The decoded string.
 */
function decodeHTMLStrict(htmlString) {
    return htmlDecoder(htmlString, decode_DecodingMode.Strict);
}
/**
 * Decodes an XML string, requiring all entities to be terminated by a semicolon.
 *
 * @param xmlString The string to decode.
 * @returns The decoded string.
 */
function decode_decodeXML(xmlString) {
    return xmlDecoder(xmlString, decode_DecodingMode.Strict);
}

// Re-export for use by eg. htmlparser2


//# sourceMappingURL=decode.js.map
;// CONCATENATED MODULE: ./node_modules/htmlparser2/dist/esm/Tokenizer.js

var Tokenizer_CharCodes;
(function (CharCodes) {
    CharCodes[CharCodes["Tab"] = 9] = "Tab";
    CharCodes[CharCodes["NewLine"] = 10] = "NewLine";
    CharCodes[CharCodes["FormFeed"] = 12] = "FormFeed";
    CharCodes[CharCodes["CarriageReturn"] = 13] = "CarriageReturn";
    CharCodes[CharCodes["Space"] = 32] = "Space";
    CharCodes[CharCodes["ExclamationMark"] = 33] = "ExclamationMark";
    CharCodes[CharCodes["Number"] = 35] = "Number";
    CharCodes[CharCodes["Amp"] = 38] = "Amp";
    CharCodes[CharCodes["SingleQuote"] = 39] = "SingleQuote";
    CharCodes[CharCodes["DoubleQuote"] = 34] = "DoubleQuote";
    CharCodes[CharCodes["Dash"] = 45] = "Dash";
    CharCodes[CharCodes["Slash"] = 47] = "Slash";
    CharCodes[CharCodes["Zero"] = 48] = "Zero";
    CharCodes[CharCodes["Nine"] = 57] = "Nine";
    CharCodes[CharCodes["Semi"] = 59] = "Semi";
    CharCodes[CharCodes["Lt"] = 60] = "Lt";
    CharCodes[CharCodes["Eq"] = 61] = "Eq";
    CharCodes[CharCodes["Gt"] = 62] = "Gt";
    CharCodes[CharCodes["Questionmark"] = 63] = "Questionmark";
    CharCodes[CharCodes["UpperA"] = 65] = "UpperA";
    CharCodes[CharCodes["LowerA"] = 97] = "LowerA";
    CharCodes[CharCodes["UpperF"] = 70] = "UpperF";
    CharCodes[CharCodes["LowerF"] = 102] = "LowerF";
    CharCodes[CharCodes["UpperZ"] = 90] = "UpperZ";
    CharCodes[CharCodes["LowerZ"] = 122] = "LowerZ";
    CharCodes[CharCodes["LowerX"] = 120] = "LowerX";
    CharCodes[CharCodes["OpeningSquareBracket"] = 91] = "OpeningSquareBracket";
})(Tokenizer_CharCodes || (Tokenizer_CharCodes = {}));
/** All the states the tokenizer can be in. */
var State;
(function (State) {
    State[State["Text"] = 1] = "Text";
    State[State["BeforeTagName"] = 2] = "BeforeTagName";
    State[State["InTagName"] = 3] = "InTagName";
    State[State["InSelfClosingTag"] = 4] = "InSelfClosingTag";
    State[State["BeforeClosingTagName"] = 5] = "BeforeClosingTagName";
    State[State["InClosingTagName"] = 6] = "InClosingTagName";
    State[State["AfterClosingTagName"] = 7] = "AfterClosingTagName";
    // Attributes
    State[State["BeforeAttributeName"] = 8] = "BeforeAttributeName";
    State[State["InAttributeName"] = 9] = "InAttributeName";
    State[State["AfterAttributeName"] = 10] = "AfterAttributeName";
    State[State["BeforeAttributeValue"] = 11] = "BeforeAttributeValue";
    State[State["InAttributeValueDq"] = 12] = "InAttributeValueDq";
    State[State["InAttributeValueSq"] = 13] = "InAttributeValueSq";
    State[State["InAttributeValueNq"] = 14] = "InAttributeValueNq";
    // Declarations
    State[State["BeforeDeclaration"] = 15] = "BeforeDeclaration";
    State[State["InDeclaration"] = 16] = "InDeclaration";
    // Processing instructions
    State[State["InProcessingInstruction"] = 17] = "InProcessingInstruction";
    // Comments & CDATA
    State[State["BeforeComment"] = 18] = "BeforeComment";
    State[State["CDATASequence"] = 19] = "CDATASequence";
    State[State["InSpecialComment"] = 20] = "InSpecialComment";
    State[State["InCommentLike"] = 21] = "InCommentLike";
    // Special tags
    State[State["BeforeSpecialS"] = 22] = "BeforeSpecialS";
    State[State["BeforeSpecialT"] = 23] = "BeforeSpecialT";
    State[State["SpecialStartSequence"] = 24] = "SpecialStartSequence";
    State[State["InSpecialTag"] = 25] = "InSpecialTag";
    State[State["InEntity"] = 26] = "InEntity";
})(State || (State = {}));
function isWhitespace(c) {
    return (c === Tokenizer_CharCodes.Space ||
        c === Tokenizer_CharCodes.NewLine ||
        c === Tokenizer_CharCodes.Tab ||
        c === Tokenizer_CharCodes.FormFeed ||
        c === Tokenizer_CharCodes.CarriageReturn);
}
function isEndOfTagSection(c) {
    return c === Tokenizer_CharCodes.Slash || c === Tokenizer_CharCodes.Gt || isWhitespace(c);
}
function isASCIIAlpha(c) {
    return ((c >= Tokenizer_CharCodes.LowerA && c <= Tokenizer_CharCodes.LowerZ) ||
        (c >= Tokenizer_CharCodes.UpperA && c <= Tokenizer_CharCodes.UpperZ));
}
var Tokenizer_QuoteType;
(function (QuoteType) {
    QuoteType[QuoteType["NoValue"] = 0] = "NoValue";
    QuoteType[QuoteType["Unquoted"] = 1] = "Unquoted";
    QuoteType[QuoteType["Single"] = 2] = "Single";
    QuoteType[QuoteType["Double"] = 3] = "Double";
})(Tokenizer_QuoteType || (Tokenizer_QuoteType = {}));
/**
 * Sequences used to match longer strings.
 *
 * We don't have `Script`, `Style`, or `Title` here. Instead, we re-use the *End
 * sequences with an increased offset.
 */
const Sequences = {
    Cdata: new Uint8Array([0x43, 0x44, 0x41, 0x54, 0x41, 0x5b]), // CDATA[
    CdataEnd: new Uint8Array([0x5d, 0x5d, 0x3e]), // ]]>
    CommentEnd: new Uint8Array([0x2d, 0x2d, 0x3e]), // `-->`
    ScriptEnd: new Uint8Array([0x3c, 0x2f, 0x73, 0x63, 0x72, 0x69, 0x70, 0x74]), // `</script`
    StyleEnd: new Uint8Array([0x3c, 0x2f, 0x73, 0x74, 0x79, 0x6c, 0x65]), // `</style`
    TitleEnd: new Uint8Array([0x3c, 0x2f, 0x74, 0x69, 0x74, 0x6c, 0x65]), // `</title`
    TextareaEnd: new Uint8Array([
        0x3c, 0x2f, 0x74, 0x65, 0x78, 0x74, 0x61, 0x72, 0x65, 0x61,
    ]), // `</textarea`
    XmpEnd: new Uint8Array([0x3c, 0x2f, 0x78, 0x6d, 0x70]), // `</xmp`
};
class Tokenizer_Tokenizer {
    constructor({ xmlMode = false, decodeEntities = true, }, cbs) {
        this.cbs = cbs;
        /** The current state the tokenizer is in. */
        this.state = State.Text;
        /** The read buffer. */
        this.buffer = "";
        /** The beginning of the section that is currently being read. */
        this.sectionStart = 0;
        /** The index within the buffer that we are currently looking at. */
        this.index = 0;
        /** The start of the last entity. */
        this.entityStart = 0;
        /** Some behavior, eg. when decoding entities, is done while we are in another state. This keeps track of the other state type. */
        this.baseState = State.Text;
        /** For special parsing behavior inside of script and style tags. */
        this.isSpecial = false;
        /** Indicates whether the tokenizer has been paused. */
        this.running = true;
        /** The offset of the current buffer. */
        this.offset = 0;
        this.currentSequence = undefined;
        this.sequenceIndex = 0;
        this.xmlMode = xmlMode;
        this.decodeEntities = decodeEntities;
        this.entityDecoder = new EntityDecoder(xmlMode ? decode_data_xml_xmlDecodeTree : decode_data_html_htmlDecodeTree, (cp, consumed) => this.emitCodePoint(cp, consumed));
    }
    reset() {
        this.state = State.Text;
        this.buffer = "";
        this.sectionStart = 0;
        this.index = 0;
        this.baseState = State.Text;
        this.currentSequence = undefined;
        this.running = true;
        this.offset = 0;
    }
    write(chunk) {
        this.offset += this.buffer.length;
        this.buffer = chunk;
        this.parse();
    }
    end() {
        if (this.running)
            this.finish();
    }
    pause() {
        this.running = false;
    }
    resume() {
        this.running = true;
        if (this.index < this.buffer.length + this.offset) {
            this.parse();
        }
    }
    stateText(c) {
        if (c === Tokenizer_CharCodes.Lt ||
            (!this.decodeEntities && this.fastForwardTo(Tokenizer_CharCodes.Lt))) {
            if (this.index > this.sectionStart) {
                this.cbs.ontext(this.sectionStart, this.index);
            }
            this.state = State.BeforeTagName;
            this.sectionStart = this.index;
        }
        else if (this.decodeEntities && c === Tokenizer_CharCodes.Amp) {
            this.startEntity();
        }
    }
    stateSpecialStartSequence(c) {
        const isEnd = this.sequenceIndex === this.currentSequence.length;
        const isMatch = isEnd
            ? // If we are at the end of the sequence, make sure the tag name has ended
                isEndOfTagSection(c)
            : // Otherwise, do a case-insensitive comparison
                (c | 0x20) === this.currentSequence[this.sequenceIndex];
        if (!isMatch) {
            this.isSpecial = false;
        }
        else if (!isEnd) {
            this.sequenceIndex++;
            return;
        }
        this.sequenceIndex = 0;
        this.state = State.InTagName;
        this.stateInTagName(c);
    }
    /** Look for an end tag. For <title> tags, also decode entities. */
    stateInSpecialTag(c) {
        if (this.sequenceIndex === this.currentSequence.length) {
            if (c === Tokenizer_CharCodes.Gt || isWhitespace(c)) {
                const endOfText = this.index - this.currentSequence.length;
                if (this.sectionStart < endOfText) {
                    // Spoof the index so that reported locations match up.
                    const actualIndex = this.index;
                    this.index = endOfText;
                    this.cbs.ontext(this.sectionStart, endOfText);
                    this.index = actualIndex;
                }
                this.isSpecial = false;
                this.sectionStart = endOfText + 2; // Skip over the `</`
                this.stateInClosingTagName(c);
                return; // We are done; skip the rest of the function.
            }
            this.sequenceIndex = 0;
        }
        if ((c | 0x20) === this.currentSequence[this.sequenceIndex]) {
            this.sequenceIndex += 1;
        }
        else if (this.sequenceIndex === 0) {
            if (this.currentSequence === Sequences.TitleEnd) {
                // We have to parse entities in <title> tags.
                if (this.decodeEntities && c === Tokenizer_CharCodes.Amp) {
                    this.startEntity();
                }
            }
            else if (this.fastForwardTo(Tokenizer_CharCodes.Lt)) {
                // Outside of <title> tags, we can fast-forward.
                this.sequenceIndex = 1;
            }
        }
        else {
            // If we see a `<`, set the sequence index to 1; useful for eg. `<</script>`.
            this.sequenceIndex = Number(c === Tokenizer_CharCodes.Lt);
        }
    }
    stateCDATASequence(c) {
        if (c === Sequences.Cdata[this.sequenceIndex]) {
            if (++this.sequenceIndex === Sequences.Cdata.length) {
                this.state = State.InCommentLike;
                this.currentSequence = Sequences.CdataEnd;
                this.sequenceIndex = 0;
                this.sectionStart = this.index + 1;
            }
        }
        else {
            this.sequenceIndex = 0;
            this.state = State.InDeclaration;
            this.stateInDeclaration(c); // Reconsume the character
        }
    }
    /**
     * When we wait for one specific character, we can speed things up
     * by skipping through the buffer until we find it.
     *
     * @returns Whether the character was found.
     */
    fastForwardTo(c) {
        while (++this.index < this.buffer.length + this.offset) {
            if (this.buffer.charCodeAt(this.index - this.offset) === c) {
                return true;
            }
        }
        /*
         * We increment the index at the end of the `parse` loop,
         * so set it to `buffer.length - 1` here.
         *
         * TODO: Refactor `parse` to increment index before calling states.
         */
        this.index = this.buffer.length + this.offset - 1;
        return false;
    }
    /**
     * Comments and CDATA end with `-->` and `]]>`.
     *
     * Their common qualities are:
     * - Their end sequences have a distinct character they start with.
     * - That character is then repeated, so we have to check multiple repeats.
     * - All characters but the start character of the sequence can be skipped.
     */
    stateInCommentLike(c) {
        if (c === this.currentSequence[this.sequenceIndex]) {
            if (++this.sequenceIndex === this.currentSequence.length) {
                if (this.currentSequence === Sequences.CdataEnd) {
                    this.cbs.oncdata(this.sectionStart, this.index, 2);
                }
                else {
                    this.cbs.oncomment(this.sectionStart, this.index, 2);
                }
                this.sequenceIndex = 0;
                this.sectionStart = this.index + 1;
                this.state = State.Text;
            }
        }
        else if (this.sequenceIndex === 0) {
            // Fast-forward to the first character of the sequence
            if (this.fastForwardTo(this.currentSequence[0])) {
                this.sequenceIndex = 1;
            }
        }
        else if (c !== this.currentSequence[this.sequenceIndex - 1]) {
            // Allow long sequences, eg. --->, ]]]>
            this.sequenceIndex = 0;
        }
    }
    /**
     * HTML only allows ASCII alpha characters (a-z and A-Z) at the beginning of a tag name.
     *
     * XML allows a lot more characters here (@see https://www.w3.org/TR/REC-xml/#NT-NameStartChar).
     * We allow anything that wouldn't end the tag.
     */
    isTagStartChar(c) {
        return this.xmlMode ? !isEndOfTagSection(c) : isASCIIAlpha(c);
    }
    startSpecial(sequence, offset) {
        this.isSpecial = true;
        this.currentSequence = sequence;
        this.sequenceIndex = offset;
        this.state = State.SpecialStartSequence;
    }
    stateBeforeTagName(c) {
        if (c === Tokenizer_CharCodes.ExclamationMark) {
            this.state = State.BeforeDeclaration;
            this.sectionStart = this.index + 1;
        }
        else if (c === Tokenizer_CharCodes.Questionmark) {
            this.state = State.InProcessingInstruction;
            this.sectionStart = this.index + 1;
        }
        else if (this.isTagStartChar(c)) {
            const lower = c | 0x20;
            this.sectionStart = this.index;
            if (this.xmlMode) {
                this.state = State.InTagName;
            }
            else if (lower === Sequences.ScriptEnd[2]) {
                this.state = State.BeforeSpecialS;
            }
            else if (lower === Sequences.TitleEnd[2] ||
                lower === Sequences.XmpEnd[2]) {
                this.state = State.BeforeSpecialT;
            }
            else {
                this.state = State.InTagName;
            }
        }
        else if (c === Tokenizer_CharCodes.Slash) {
            this.state = State.BeforeClosingTagName;
        }
        else {
            this.state = State.Text;
            this.stateText(c);
        }
    }
    stateInTagName(c) {
        if (isEndOfTagSection(c)) {
            this.cbs.onopentagname(this.sectionStart, this.index);
            this.sectionStart = -1;
            this.state = State.BeforeAttributeName;
            this.stateBeforeAttributeName(c);
        }
    }
    stateBeforeClosingTagName(c) {
        if (isWhitespace(c)) {
            // Ignore
        }
        else if (c === Tokenizer_CharCodes.Gt) {
            this.state = State.Text;
        }
        else {
            this.state = this.isTagStartChar(c)
                ? State.InClosingTagName
                : State.InSpecialComment;
            this.sectionStart = this.index;
        }
    }
    stateInClosingTagName(c) {
        if (c === Tokenizer_CharCodes.Gt || isWhitespace(c)) {
            this.cbs.onclosetag(this.sectionStart, this.index);
            this.sectionStart = -1;
            this.state = State.AfterClosingTagName;
            this.stateAfterClosingTagName(c);
        }
    }
    stateAfterClosingTagName(c) {
        // Skip everything until ">"
        if (c === Tokenizer_CharCodes.Gt || this.fastForwardTo(Tokenizer_CharCodes.Gt)) {
            this.state = State.Text;
            this.sectionStart = this.index + 1;
        }
    }
    stateBeforeAttributeName(c) {
        if (c === Tokenizer_CharCodes.Gt) {
            this.cbs.onopentagend(this.index);
            if (this.isSpecial) {
                this.state = State.InSpecialTag;
                this.sequenceIndex = 0;
            }
            else {
                this.state = State.Text;
            }
            this.sectionStart = this.index + 1;
        }
        else if (c === Tokenizer_CharCodes.Slash) {
            this.state = State.InSelfClosingTag;
        }
        else if (!isWhitespace(c)) {
            this.state = State.InAttributeName;
            this.sectionStart = this.index;
        }
    }
    stateInSelfClosingTag(c) {
        if (c === Tokenizer_CharCodes.Gt) {
            this.cbs.onselfclosingtag(this.index);
            this.state = State.Text;
            this.sectionStart = this.index + 1;
            this.isSpecial = false; // Reset special state, in case of self-closing special tags
        }
        else if (!isWhitespace(c)) {
            this.state = State.BeforeAttributeName;
            this.stateBeforeAttributeName(c);
        }
    }
    stateInAttributeName(c) {
        if (c === Tokenizer_CharCodes.Eq || isEndOfTagSection(c)) {
            this.cbs.onattribname(this.sectionStart, this.index);
            this.sectionStart = this.index;
            this.state = State.AfterAttributeName;
            this.stateAfterAttributeName(c);
        }
    }
    stateAfterAttributeName(c) {
        if (c === Tokenizer_CharCodes.Eq) {
            this.state = State.BeforeAttributeValue;
        }
        else if (c === Tokenizer_CharCodes.Slash || c === Tokenizer_CharCodes.Gt) {
            this.cbs.onattribend(Tokenizer_QuoteType.NoValue, this.sectionStart);
            this.sectionStart = -1;
            this.state = State.BeforeAttributeName;
            this.stateBeforeAttributeName(c);
        }
        else if (!isWhitespace(c)) {
            this.cbs.onattribend(Tokenizer_QuoteType.NoValue, this.sectionStart);
            this.state = State.InAttributeName;
            this.sectionStart = this.index;
        }
    }
    stateBeforeAttributeValue(c) {
        if (c === Tokenizer_CharCodes.DoubleQuote) {
            this.state = State.InAttributeValueDq;
            this.sectionStart = this.index + 1;
        }
        else if (c === Tokenizer_CharCodes.SingleQuote) {
            this.state = State.InAttributeValueSq;
            this.sectionStart = this.index + 1;
        }
        else if (!isWhitespace(c)) {
            this.sectionStart = this.index;
            this.state = State.InAttributeValueNq;
            this.stateInAttributeValueNoQuotes(c); // Reconsume token
        }
    }
    handleInAttributeValue(c, quote) {
        if (c === quote ||
            (!this.decodeEntities && this.fastForwardTo(quote))) {
            this.cbs.onattribdata(this.sectionStart, this.index);
            this.sectionStart = -1;
            this.cbs.onattribend(quote === Tokenizer_CharCodes.DoubleQuote
                ? Tokenizer_QuoteType.Double
                : Tokenizer_QuoteType.Single, this.index + 1);
            this.state = State.BeforeAttributeName;
        }
        else if (this.decodeEntities && c === Tokenizer_CharCodes.Amp) {
            this.startEntity();
        }
    }
    stateInAttributeValueDoubleQuotes(c) {
        this.handleInAttributeValue(c, Tokenizer_CharCodes.DoubleQuote);
    }
    stateInAttributeValueSingleQuotes(c) {
        this.handleInAttributeValue(c, Tokenizer_CharCodes.SingleQuote);
    }
    stateInAttributeValueNoQuotes(c) {
        if (isWhitespace(c) || c === Tokenizer_CharCodes.Gt) {
            this.cbs.onattribdata(this.sectionStart, this.index);
            this.sectionStart = -1;
            this.cbs.onattribend(Tokenizer_QuoteType.Unquoted, this.index);
            this.state = State.BeforeAttributeName;
            this.stateBeforeAttributeName(c);
        }
        else if (this.decodeEntities && c === Tokenizer_CharCodes.Amp) {
            this.startEntity();
        }
    }
    stateBeforeDeclaration(c) {
        if (c === Tokenizer_CharCodes.OpeningSquareBracket) {
            this.state = State.CDATASequence;
            this.sequenceIndex = 0;
        }
        else {
            this.state =
                c === Tokenizer_CharCodes.Dash
                    ? State.BeforeComment
                    : State.InDeclaration;
        }
    }
    stateInDeclaration(c) {
        if (c === Tokenizer_CharCodes.Gt || this.fastForwardTo(Tokenizer_CharCodes.Gt)) {
            this.cbs.ondeclaration(this.sectionStart, this.index);
            this.state = State.Text;
            this.sectionStart = this.index + 1;
        }
    }
    stateInProcessingInstruction(c) {
        if (c === Tokenizer_CharCodes.Gt || this.fastForwardTo(Tokenizer_CharCodes.Gt)) {
            this.cbs.onprocessinginstruction(this.sectionStart, this.index);
            this.state = State.Text;
            this.sectionStart = this.index + 1;
        }
    }
    stateBeforeComment(c) {
        if (c === Tokenizer_CharCodes.Dash) {
            this.state = State.InCommentLike;
            this.currentSequence = Sequences.CommentEnd;
            // Allow short comments (eg. <!-->)
            this.sequenceIndex = 2;
            this.sectionStart = this.index + 1;
        }
        else {
            this.state = State.InDeclaration;
        }
    }
    stateInSpecialComment(c) {
        if (c === Tokenizer_CharCodes.Gt || this.fastForwardTo(Tokenizer_CharCodes.Gt)) {
            this.cbs.oncomment(this.sectionStart, this.index, 0);
            this.state = State.Text;
            this.sectionStart = this.index + 1;
        }
    }
    stateBeforeSpecialS(c) {
        const lower = c | 0x20;
        if (lower === Sequences.ScriptEnd[3]) {
            this.startSpecial(Sequences.ScriptEnd, 4);
        }
        else if (lower === Sequences.StyleEnd[3]) {
            this.startSpecial(Sequences.StyleEnd, 4);
        }
        else {
            this.state = State.InTagName;
            this.stateInTagName(c); // Consume the token again
        }
    }
    stateBeforeSpecialT(c) {
        const lower = c | 0x20;
        switch (lower) {
            case Sequences.TitleEnd[3]: {
                this.startSpecial(Sequences.TitleEnd, 4);
                break;
            }
            case Sequences.TextareaEnd[3]: {
                this.startSpecial(Sequences.TextareaEnd, 4);
                break;
            }
            case Sequences.XmpEnd[3]: {
                this.startSpecial(Sequences.XmpEnd, 4);
                break;
            }
            default: {
                this.state = State.InTagName;
                this.stateInTagName(c); // Consume the token again
            }
        }
    }
    startEntity() {
        this.baseState = this.state;
        this.state = State.InEntity;
        this.entityStart = this.index;
        this.entityDecoder.startEntity(this.xmlMode
            ? decode_DecodingMode.Strict
            : this.baseState === State.Text ||
                this.baseState === State.InSpecialTag
                ? decode_DecodingMode.Legacy
                : decode_DecodingMode.Attribute);
    }
    stateInEntity() {
        const indexInBuffer = this.index - this.offset;
        const length = this.entityDecoder.write(this.buffer, indexInBuffer);
        // If `length` is positive, we are done with the entity.
        if (length >= 0) {
            this.state = this.baseState;
            if (length === 0) {
                this.index -= 1;
            }
        }
        else {
            if (indexInBuffer < this.buffer.length &&
                this.buffer.charCodeAt(indexInBuffer) === Tokenizer_CharCodes.Amp) {
                this.state = this.baseState;
                this.index -= 1;
                return;
            }
            // Mark buffer as consumed.
            this.index = this.offset + this.buffer.length - 1;
        }
    }
    /**
     * Remove data that has already been consumed from the buffer.
     */
    cleanup() {
        // If we are inside of text or attributes, emit what we already have.
        if (this.running && this.sectionStart !== this.index) {
            if (this.state === State.Text ||
                (this.state === State.InSpecialTag && this.sequenceIndex === 0)) {
                this.cbs.ontext(this.sectionStart, this.index);
                this.sectionStart = this.index;
            }
            else if (this.state === State.InAttributeValueDq ||
                this.state === State.InAttributeValueSq ||
                this.state === State.InAttributeValueNq) {
                this.cbs.onattribdata(this.sectionStart, this.index);
                this.sectionStart = this.index;
            }
        }
    }
    shouldContinue() {
        return this.index < this.buffer.length + this.offset && this.running;
    }
    /**
     * Iterates through the buffer, calling the function corresponding to the current state.
     *
     * States that are more likely to be hit are higher up, as a performance improvement.
     */
    parse() {
        while (this.shouldContinue()) {
            const c = this.buffer.charCodeAt(this.index - this.offset);
            switch (this.state) {
                case State.Text: {
                    this.stateText(c);
                    break;
                }
                case State.SpecialStartSequence: {
                    this.stateSpecialStartSequence(c);
                    break;
                }
                case State.InSpecialTag: {
                    this.stateInSpecialTag(c);
                    break;
                }
                case State.CDATASequence: {
                    this.stateCDATASequence(c);
                    break;
                }
                case State.InAttributeValueDq: {
                    this.stateInAttributeValueDoubleQuotes(c);
                    break;
                }
                case State.InAttributeName: {
                    this.stateInAttributeName(c);
                    break;
                }
                case State.InCommentLike: {
                    this.stateInCommentLike(c);
                    break;
                }
                case State.InSpecialComment: {
                    this.stateInSpecialComment(c);
                    break;
                }
                case State.BeforeAttributeName: {
                    this.stateBeforeAttributeName(c);
                    break;
                }
                case State.InTagName: {
                    this.stateInTagName(c);
                    break;
                }
                case State.InClosingTagName: {
                    this.stateInClosingTagName(c);
                    break;
                }
                case State.BeforeTagName: {
                    this.stateBeforeTagName(c);
                    break;
                }
                case State.AfterAttributeName: {
                    this.stateAfterAttributeName(c);
                    break;
                }
                case State.InAttributeValueSq: {
                    this.stateInAttributeValueSingleQuotes(c);
                    break;
                }
                case State.BeforeAttributeValue: {
                    this.stateBeforeAttributeValue(c);
                    break;
                }
                case State.BeforeClosingTagName: {
                    this.stateBeforeClosingTagName(c);
                    break;
                }
                case State.AfterClosingTagName: {
                    this.stateAfterClosingTagName(c);
                    break;
                }
                case State.BeforeSpecialS: {
                    this.stateBeforeSpecialS(c);
                    break;
                }
                case State.BeforeSpecialT: {
                    this.stateBeforeSpecialT(c);
                    break;
                }
                case State.InAttributeValueNq: {
                    this.stateInAttributeValueNoQuotes(c);
                    break;
                }
                case State.InSelfClosingTag: {
                    this.stateInSelfClosingTag(c);
                    break;
                }
                case State.InDeclaration: {
                    this.stateInDeclaration(c);
                    break;
                }
                case State.BeforeDeclaration: {
                    this.stateBeforeDeclaration(c);
                    break;
                }
                case State.BeforeComment: {
                    this.stateBeforeComment(c);
                    break;
                }
                case State.InProcessingInstruction: {
                    this.stateInProcessingInstruction(c);
                    break;
                }
                case State.InEntity: {
                    this.stateInEntity();
                    break;
                }
            }
            this.index++;
        }
        this.cleanup();
    }
    finish() {
        if (this.state === State.InEntity) {
            this.entityDecoder.end();
            this.state = this.baseState;
        }
        this.handleTrailingData();
        this.cbs.onend();
    }
    /** Handle any trailing data. */
    handleTrailingData() {
        const endIndex = this.buffer.length + this.offset;
        // If there is no remaining data, we are done.
        if (this.sectionStart >= endIndex) {
            return;
        }
        if (this.state === State.InCommentLike) {
            if (this.currentSequence === Sequences.CdataEnd) {
                this.cbs.oncdata(this.sectionStart, endIndex, 0);
            }
            else {
                this.cbs.oncomment(this.sectionStart, endIndex, 0);
            }
        }
        else if (this.state === State.InTagName ||
            this.state === State.BeforeAttributeName ||
            this.state === State.BeforeAttributeValue ||
            this.state === State.AfterAttributeName ||
            this.state === State.InAttributeName ||
            this.state === State.InAttributeValueSq ||
            this.state === State.InAttributeValueDq ||
            this.state === State.InAttributeValueNq ||
            this.state === State.InClosingTagName) {
            /*
             * If we are currently in an opening or closing tag, us not calling the
             * respective callback signals that the tag should be ignored.
             */
        }
        else {
            this.cbs.ontext(this.sectionStart, endIndex);
        }
    }
    emitCodePoint(cp, consumed) {
        if (this.baseState !== State.Text &&
            this.baseState !== State.InSpecialTag) {
            if (this.sectionStart < this.entityStart) {
                this.cbs.onattribdata(this.sectionStart, this.entityStart);
            }
            this.sectionStart = this.entityStart + consumed;
            this.index = this.sectionStart - 1;
            this.cbs.onattribentity(cp);
        }
        else {
            if (this.sectionStart < this.entityStart) {
                this.cbs.ontext(this.sectionStart, this.entityStart);
            }
            this.sectionStart = this.entityStart + consumed;
            this.index = this.sectionStart - 1;
            this.cbs.ontextentity(cp, this.sectionStart);
        }
    }
}
//# sourceMappingURL=Tokenizer.js.map
;// CONCATENATED MODULE: ./node_modules/htmlparser2/dist/esm/Parser.js


const formTags = new Set([
    "input",
    "option",
    "optgroup",
    "select",
    "button",
    "datalist",
    "textarea",
]);
const pTag = new Set(["p"]);
const tableSectionTags = new Set(["thead", "tbody"]);
const ddtTags = new Set(["dd", "dt"]);
const rtpTags = new Set(["rt", "rp"]);
const openImpliesClose = new Map([
    ["tr", new Set(["tr", "th", "td"])],
    ["th", new Set(["th"])],
    ["td", new Set(["thead", "th", "td"])],
    ["body", new Set(["head", "link", "script"])],
    ["li", new Set(["li"])],
    ["p", pTag],
    ["h1", pTag],
    ["h2", pTag],
    ["h3", pTag],
    ["h4", pTag],
    ["h5", pTag],
    ["h6", pTag],
    ["select", formTags],
    ["input", formTags],
    ["output", formTags],
    ["button", formTags],
    ["datalist", formTags],
    ["textarea", formTags],
    ["option", new Set(["option"])],
    ["optgroup", new Set(["optgroup", "option"])],
    ["dd", ddtTags],
    ["dt", ddtTags],
    ["address", pTag],
    ["article", pTag],
    ["aside", pTag],
    ["blockquote", pTag],
    ["details", pTag],
    ["div", pTag],
    ["dl", pTag],
    ["fieldset", pTag],
    ["figcaption", pTag],
    ["figure", pTag],
    ["footer", pTag],
    ["form", pTag],
    ["header", pTag],
    ["hr", pTag],
    ["main", pTag],
    ["nav", pTag],
    ["ol", pTag],
    ["pre", pTag],
    ["section", pTag],
    ["table", pTag],
    ["ul", pTag],
    ["rt", rtpTags],
    ["rp", rtpTags],
    ["tbody", tableSectionTags],
    ["tfoot", tableSectionTags],
]);
const voidElements = new Set([
    "area",
    "base",
    "basefont",
    "br",
    "col",
    "command",
    "embed",
    "frame",
    "hr",
    "img",
    "input",
    "isindex",
    "keygen",
    "link",
    "meta",
    "param",
    "source",
    "track",
    "wbr",
]);
const foreignContextElements = new Set(["math", "svg"]);
const htmlIntegrationElements = new Set([
    "mi",
    "mo",
    "mn",
    "ms",
    "mtext",
    "annotation-xml",
    "foreignobject",
    "desc",
    "title",
]);
const reNameEnd = /\s|\//;
class Parser_Parser {
    constructor(cbs, options = {}) {
        var _a, _b, _c, _d, _e, _f;
        this.options = options;
        /** The start index of the last event. */
        this.startIndex = 0;
        /** The end index of the last event. */
        this.endIndex = 0;
        /**
         * Store the start index of the current open tag,
         * so we can update the start index for attributes.
         */
        this.openTagStart = 0;
        this.tagname = "";
        this.attribname = "";
        this.attribvalue = "";
        this.attribs = null;
        this.stack = [];
        this.buffers = [];
        this.bufferOffset = 0;
        /** The index of the last written buffer. Used when resuming after a `pause()`. */
        this.writeIndex = 0;
        /** Indicates whether the parser has finished running / `.end` has been called. */
        this.ended = false;
        this.cbs = cbs !== null && cbs !== void 0 ? cbs : {};
        this.htmlMode = !this.options.xmlMode;
        this.lowerCaseTagNames = (_a = options.lowerCaseTags) !== null && _a !== void 0 ? _a : this.htmlMode;
        this.lowerCaseAttributeNames =
            (_b = options.lowerCaseAttributeNames) !== null && _b !== void 0 ? _b : this.htmlMode;
        this.recognizeSelfClosing =
            (_c = options.recognizeSelfClosing) !== null && _c !== void 0 ? _c : !this.htmlMode;
        this.tokenizer = new ((_d = options.Tokenizer) !== null && _d !== void 0 ? _d : Tokenizer)(this.options, this);
        this.foreignContext = [!this.htmlMode];
        (_f = (_e = this.cbs).onparserinit) === null || _f === void 0 ? void 0 : _f.call(_e, this);
    }
    // Tokenizer event handlers
    /** @internal */
    ontext(start, endIndex) {
        var _a, _b;
        const data = this.getSlice(start, endIndex);
        this.endIndex = endIndex - 1;
        (_b = (_a = this.cbs).ontext) === null || _b === void 0 ? void 0 : _b.call(_a, data);
        this.startIndex = endIndex;
    }
    /** @internal */
    ontextentity(cp, endIndex) {
        var _a, _b;
        this.endIndex = endIndex - 1;
        (_b = (_a = this.cbs).ontext) === null || _b === void 0 ? void 0 : _b.call(_a, fromCodePoint(cp));
        this.startIndex = endIndex;
    }
    /**
     * Checks if the current tag is a void element. Override this if you want
     * to specify your own additional void elements.
     */
    isVoidElement(name) {
        return this.htmlMode && voidElements.has(name);
    }
    /** @internal */
    onopentagname(start, endIndex) {
        this.endIndex = endIndex;
        let name = this.getSlice(start, endIndex);
        if (this.lowerCaseTagNames) {
            name = name.toLowerCase();
        }
        this.emitOpenTag(name);
    }
    emitOpenTag(name) {
        var _a, _b, _c, _d;
        this.openTagStart = this.startIndex;
        this.tagname = name;
        const impliesClose = this.htmlMode && openImpliesClose.get(name);
        if (impliesClose) {
            while (this.stack.length > 0 && impliesClose.has(this.stack[0])) {
                const element = this.stack.shift();
                (_b = (_a = this.cbs).onclosetag) === null || _b === void 0 ? void 0 : _b.call(_a, element, true);
            }
        }
        if (!this.isVoidElement(name)) {
            this.stack.unshift(name);
            if (this.htmlMode) {
                if (foreignContextElements.has(name)) {
                    this.foreignContext.unshift(true);
                }
                else if (htmlIntegrationElements.has(name)) {
                    this.foreignContext.unshift(false);
                }
            }
        }
        (_d = (_c = this.cbs).onopentagname) === null || _d === void 0 ? void 0 : _d.call(_c, name);
        if (this.cbs.onopentag)
            this.attribs = {};
    }
    endOpenTag(isImplied) {
        var _a, _b;
        this.startIndex = this.openTagStart;
        if (this.attribs) {
            (_b = (_a = this.cbs).onopentag) === null || _b === void 0 ? void 0 : _b.call(_a, this.tagname, this.attribs, isImplied);
            this.attribs = null;
        }
        if (this.cbs.onclosetag && this.isVoidElement(this.tagname)) {
            this.cbs.onclosetag(this.tagname, true);
        }
        this.tagname = "";
    }
    /** @internal */
    onopentagend(endIndex) {
        this.endIndex = endIndex;
        this.endOpenTag(false);
        // Set `startIndex` for next node
        this.startIndex = endIndex + 1;
    }
    /** @internal */
    onclosetag(start, endIndex) {
        var _a, _b, _c, _d, _e, _f, _g, _h;
        this.endIndex = endIndex;
        let name = this.getSlice(start, endIndex);
        if (this.lowerCaseTagNames) {
            name = name.toLowerCase();
        }
        if (this.htmlMode &&
            (foreignContextElements.has(name) ||
                htmlIntegrationElements.has(name))) {
            this.foreignContext.shift();
        }
        if (!this.isVoidElement(name)) {
            const pos = this.stack.indexOf(name);
            if (pos !== -1) {
                for (let index = 0; index <= pos; index++) {
                    const element = this.stack.shift();
                    // We know the stack has sufficient elements.
                    (_b = (_a = this.cbs).onclosetag) === null || _b === void 0 ? void 0 : _b.call(_a, element, index !== pos);
                }
            }
            else if (this.htmlMode && name === "p") {
                // Implicit open before close
                this.emitOpenTag("p");
                this.closeCurrentTag(true);
            }
        }
        else if (this.htmlMode && name === "br") {
            // We can't use `emitOpenTag` for implicit open, as `br` would be implicitly closed.
            (_d = (_c = this.cbs).onopentagname) === null || _d === void 0 ? void 0 : _d.call(_c, "br");
            (_f = (_e = this.cbs).onopentag) === null || _f === void 0 ? void 0 : _f.call(_e, "br", {}, true);
            (_h = (_g = this.cbs).onclosetag) === null || _h === void 0 ? void 0 : _h.call(_g, "br", false);
        }
        // Set `startIndex` for next node
        this.startIndex = endIndex + 1;
    }
    /** @internal */
    onselfclosingtag(endIndex) {
        this.endIndex = endIndex;
        if (this.recognizeSelfClosing || this.foreignContext[0]) {
            this.closeCurrentTag(false);
            // Set `startIndex` for next node
            this.startIndex = endIndex + 1;
        }
        else {
            // Ignore the fact that the tag is self-closing.
            this.onopentagend(endIndex);
        }
    }
    closeCurrentTag(isOpenImplied) {
        var _a, _b;
        const name = this.tagname;
        this.endOpenTag(isOpenImplied);
        // Self-closing tags will be on the top of the stack
        if (this.stack[0] === name) {
            // If the opening tag isn't implied, the closing tag has to be implied.
            (_b = (_a = this.cbs).onclosetag) === null || _b === void 0 ? void 0 : _b.call(_a, name, !isOpenImplied);
            this.stack.shift();
        }
    }
    /** @internal */
    onattribname(start, endIndex) {
        this.startIndex = start;
        const name = this.getSlice(start, endIndex);
        this.attribname = this.lowerCaseAttributeNames
            ? name.toLowerCase()
            : name;
    }
    /** @internal */
    onattribdata(start, endIndex) {
        this.attribvalue += this.getSlice(start, endIndex);
    }
    /** @internal */
    onattribentity(cp) {
        this.attribvalue += fromCodePoint(cp);
    }
    /** @internal */
    onattribend(quote, endIndex) {
        var _a, _b;
        this.endIndex = endIndex;
        (_b = (_a = this.cbs).onattribute) === null || _b === void 0 ? void 0 : _b.call(_a, this.attribname, this.attribvalue, quote === QuoteType.Double
            ? '"'
            : quote === QuoteType.Single
                ? "'"
                : quote === QuoteType.NoValue
                    ? undefined
                    : null);
        if (this.attribs &&
            !Object.prototype.hasOwnProperty.call(this.attribs, this.attribname)) {
            this.attribs[this.attribname] = this.attribvalue;
        }
        this.attribvalue = "";
    }
    getInstructionName(value) {
        const index = value.search(reNameEnd);
        let name = index < 0 ? value : value.substr(0, index);
        if (this.lowerCaseTagNames) {
            name = name.toLowerCase();
        }
        return name;
    }
    /** @internal */
    ondeclaration(start, endIndex) {
        this.endIndex = endIndex;
        const value = this.getSlice(start, endIndex);
        if (this.cbs.onprocessinginstruction) {
            const name = this.getInstructionName(value);
            this.cbs.onprocessinginstruction(`!${name}`, `!${value}`);
        }
        // Set `startIndex` for next node
        this.startIndex = endIndex + 1;
    }
    /** @internal */
    onprocessinginstruction(start, endIndex) {
        this.endIndex = endIndex;
        const value = this.getSlice(start, endIndex);
        if (this.cbs.onprocessinginstruction) {
            const name = this.getInstructionName(value);
            this.cbs.onprocessinginstruction(`?${name}`, `?${value}`);
        }
        // Set `startIndex` for next node
        this.startIndex = endIndex + 1;
    }
    /** @internal */
    oncomment(start, endIndex, offset) {
        var _a, _b, _c, _d;
        this.endIndex = endIndex;
        (_b = (_a = this.cbs).oncomment) === null || _b === void 0 ? void 0 : _b.call(_a, this.getSlice(start, endIndex - offset));
        (_d = (_c = this.cbs).oncommentend) === null || _d === void 0 ? void 0 : _d.call(_c);
        // Set `startIndex` for next node
        this.startIndex = endIndex + 1;
    }
    /** @internal */
    oncdata(start, endIndex, offset) {
        var _a, _b, _c, _d, _e, _f, _g, _h, _j, _k;
        this.endIndex = endIndex;
        const value = this.getSlice(start, endIndex - offset);
        if (!this.htmlMode || this.options.recognizeCDATA) {
            (_b = (_a = this.cbs).oncdatastart) === null || _b === void 0 ? void 0 : _b.call(_a);
            (_d = (_c = this.cbs).ontext) === null || _d === void 0 ? void 0 : _d.call(_c, value);
            (_f = (_e = this.cbs).oncdataend) === null || _f === void 0 ? void 0 : _f.call(_e);
        }
        else {
            (_h = (_g = this.cbs).oncomment) === null || _h === void 0 ? void 0 : _h.call(_g, `[CDATA[${value}]]`);
            (_k = (_j = this.cbs).oncommentend) === null || _k === void 0 ? void 0 : _k.call(_j);
        }
        // Set `startIndex` for next node
        this.startIndex = endIndex + 1;
    }
    /** @internal */
    onend() {
        var _a, _b;
        if (this.cbs.onclosetag) {
            // Set the end index for all remaining tags
            this.endIndex = this.startIndex;
            for (let index = 0; index < this.stack.length; index++) {
                this.cbs.onclosetag(this.stack[index], true);
            }
        }
        (_b = (_a = this.cbs).onend) === null || _b === void 0 ? void 0 : _b.call(_a);
    }
    /**
     * Resets the parser to a blank state, ready to parse a new HTML document
     */
    reset() {
        var _a, _b, _c, _d;
        (_b = (_a = this.cbs).onreset) === null || _b === void 0 ? void 0 : _b.call(_a);
        this.tokenizer.reset();
        this.tagname = "";
        this.attribname = "";
        this.attribs = null;
        this.stack.length = 0;
        this.startIndex = 0;
        this.endIndex = 0;
        (_d = (_c = this.cbs).onparserinit) === null || _d === void 0 ? void 0 : _d.call(_c, this);
        this.buffers.length = 0;
        this.foreignContext.length = 0;
        this.foreignContext.unshift(!this.htmlMode);
        this.bufferOffset = 0;
        this.writeIndex = 0;
        this.ended = false;
    }
    /**
     * Resets the parser, then parses a complete document and
     * pushes it to the handler.
     *
     * @param data Document to parse.
     */
    parseComplete(data) {
        this.reset();
        this.end(data);
    }
    getSlice(start, end) {
        while (start - this.bufferOffset >= this.buffers[0].length) {
            this.shiftBuffer();
        }
        let slice = this.buffers[0].slice(start - this.bufferOffset, end - this.bufferOffset);
        while (end - this.bufferOffset > this.buffers[0].length) {
            this.shiftBuffer();
            slice += this.buffers[0].slice(0, end - this.bufferOffset);
        }
        return slice;
    }
    shiftBuffer() {
        this.bufferOffset += this.buffers[0].length;
        this.writeIndex--;
        this.buffers.shift();
    }
    /**
     * Parses a chunk of data and calls the corresponding callbacks.
     *
     * @param chunk Chunk to parse.
     */
    write(chunk) {
        var _a, _b;
        if (this.ended) {
            (_b = (_a = this.cbs).onerror) === null || _b === void 0 ? void 0 : _b.call(_a, new Error(".write() after done!"));
            return;
        }
        this.buffers.push(chunk);
        if (this.tokenizer.running) {
            this.tokenizer.write(chunk);
            this.writeIndex++;
        }
    }
    /**
     * Parses the end of the buffer and clears the stack, calls onend.
     *
     * @param chunk Optional final chunk to parse.
     */
    end(chunk) {
        var _a, _b;
        if (this.ended) {
            (_b = (_a = this.cbs).onerror) === null || _b === void 0 ? void 0 : _b.call(_a, new Error(".end() after done!"));
            return;
        }
        if (chunk)
            this.write(chunk);
        this.ended = true;
        this.tokenizer.end();
    }
    /**
     * Pauses parsing. The parser won't emit events until `resume` is called.
     */
    pause() {
        this.tokenizer.pause();
    }
    /**
     * Resumes parsing after `pause` was called.
     */
    resume() {
        this.tokenizer.resume();
        while (this.tokenizer.running &&
            this.writeIndex < this.buffers.length) {
            this.tokenizer.write(this.buffers[this.writeIndex++]);
        }
        if (this.ended)
            this.tokenizer.end();
    }
    /**
     * Alias of `write`, for backwards compatibility.
     *
     * @param chunk Chunk to parse.
     * @deprecated
     */
    parseChunk(chunk) {
        this.write(chunk);
    }
    /**
     * Alias of `end`, for backwards compatibility.
     *
     * @param chunk Optional final chunk to parse.
     * @deprecated
     */
    done(chunk) {
        this.end(chunk);
    }
}
//# sourceMappingURL=Parser.js.map
;// CONCATENATED MODULE: ./node_modules/domelementtype/lib/esm/index.js
/** Types of elements found in htmlparser2's DOM */
var esm_ElementType;
(function (ElementType) {
    /** Type for the root element of a document */
    ElementType["Root"] = "root";
    /** Type for Text */
    ElementType["Text"] = "text";
    /** Type for <? ... ?> */
    ElementType["Directive"] = "directive";
    /** Type for <!-- ... --> */
    ElementType["Comment"] = "comment";
    /** Type for <script> tags */
    ElementType["Script"] = "script";
    /** Type for <style> tags */
    ElementType["Style"] = "style";
    /** Type for Any tag */
    ElementType["Tag"] = "tag";
    /** Type for <![CDATA[ ... ]]> */
    ElementType["CDATA"] = "cdata";
    /** Type for <!doctype ...> */
    ElementType["Doctype"] = "doctype";
})(esm_ElementType || (esm_ElementType = {}));
/**
 * Tests whether an element is a tag or not.
 *
 * @param elem Element to test
 */
function esm_isTag(elem) {
    return (elem.type === esm_ElementType.Tag ||
        elem.type === esm_ElementType.Script ||
        elem.type === esm_ElementType.Style);
}
// Exports for backwards compatibility
/** Type for the root element of a document */
const Root = esm_ElementType.Root;
/** Type for Text */
const esm_Text = esm_ElementType.Text;
/** Type for <? ... ?> */
const Directive = esm_ElementType.Directive;
/** Type for <!-- ... --> */
const esm_Comment = esm_ElementType.Comment;
/** Type for <script> tags */
const Script = esm_ElementType.Script;
/** Type for <style> tags */
const Style = esm_ElementType.Style;
/** Type for Any tag */
const Tag = esm_ElementType.Tag;
/** Type for <![CDATA[ ... ]]> */
const esm_CDATA = esm_ElementType.CDATA;
/** Type for <!doctype ...> */
const Doctype = esm_ElementType.Doctype;

;// CONCATENATED MODULE: ./node_modules/domhandler/lib/esm/node.js

/**
 * This object will be used as the prototype for Nodes when creating a
 * DOM-Level-1-compliant structure.
 */
class Node {
    constructor() {
        /** Parent of the node */
        this.parent = null;
        /** Previous sibling */
        this.prev = null;
        /** Next sibling */
        this.next = null;
        /** The start index of the node. Requires `withStartIndices` on the handler to be `true. */
        this.startIndex = null;
        /** The end index of the node. Requires `withEndIndices` on the handler to be `true. */
        this.endIndex = null;
    }
    // Read-write aliases for properties
    /**
     * Same as {@link parent}.
     * [DOM spec](https://dom.spec.whatwg.org)-compatible alias.
     */
    get parentNode() {
        return this.parent;
    }
    set parentNode(parent) {
        this.parent = parent;
    }
    /**
     * Same as {@link prev}.
     * [DOM spec](https://dom.spec.whatwg.org)-compatible alias.
     */
    get previousSibling() {
        return this.prev;
    }
    set previousSibling(prev) {
        this.prev = prev;
    }
    /**
     * Same as {@link next}.
     * [DOM spec](https://dom.spec.whatwg.org)-compatible alias.
     */
    get nextSibling() {
        return this.next;
    }
    set nextSibling(next) {
        this.next = next;
    }
    /**
     * Clone this node, and optionally its children.
     *
     * @param recursive Clone child nodes as well.
     * @returns A clone of the node.
     */
    cloneNode(recursive = false) {
        return cloneNode(this, recursive);
    }
}
/**
 * A node that contains some data.
 */
class DataNode extends Node {
    /**
     * @param data The content of the data node
     */
    constructor(data) {
        super();
        this.data = data;
    }
    /**
     * Same as {@link data}.
     * [DOM spec](https://dom.spec.whatwg.org)-compatible alias.
     */
    get nodeValue() {
        return this.data;
    }
    set nodeValue(data) {
        this.data = data;
    }
}
/**
 * Text within the document.
 */
class node_Text extends DataNode {
    constructor() {
        super(...arguments);
        this.type = esm_ElementType.Text;
    }
    get nodeType() {
        return 3;
    }
}
/**
 * Comments within the document.
 */
class node_Comment extends DataNode {
    constructor() {
        super(...arguments);
        this.type = esm_ElementType.Comment;
    }
    get nodeType() {
        return 8;
    }
}
/**
 * Processing instructions, including doc types.
 */
class node_ProcessingInstruction extends DataNode {
    constructor(name, data) {
        super(data);
        this.name = name;
        this.type = esm_ElementType.Directive;
    }
    get nodeType() {
        return 1;
    }
}
/**
 * A `Node` that can have children.
 */
class NodeWithChildren extends Node {
    /**
     * @param children Children of the node. Only certain node types can have children.
     */
    constructor(children) {
        super();
        this.children = children;
    }
    // Aliases
    /** First child of the node. */
    get firstChild() {
        var _a;
        return (_a = this.children[0]) !== null && _a !== void 0 ? _a : null;
    }
    /** Last child of the node. */
    get lastChild() {
        return this.children.length > 0
            ? this.children[this.children.length - 1]
            : null;
    }
    /**
     * Same as {@link children}.
     * [DOM spec](https://dom.spec.whatwg.org)-compatible alias.
     */
    get childNodes() {
        return this.children;
    }
    set childNodes(children) {
        this.children = children;
    }
}
class node_CDATA extends NodeWithChildren {
    constructor() {
        super(...arguments);
        this.type = esm_ElementType.CDATA;
    }
    get nodeType() {
        return 4;
    }
}
/**
 * The root node of the document.
 */
class node_Document extends NodeWithChildren {
    constructor() {
        super(...arguments);
        this.type = esm_ElementType.Root;
    }
    get nodeType() {
        return 9;
    }
}
/**
 * An element within the DOM.
 */
class node_Element extends NodeWithChildren {
    /**
     * @param name Name of the tag, eg. `div`, `span`.
     * @param attribs Object mapping attribute names to attribute values.
     * @param children Children of the node.
     */
    constructor(name, attribs, children = [], type = name === "script"
        ? esm_ElementType.Script
        : name === "style"
            ? esm_ElementType.Style
            : esm_ElementType.Tag) {
        super(children);
        this.name = name;
        this.attribs = attribs;
        this.type = type;
    }
    get nodeType() {
        return 1;
    }
    // DOM Level 1 aliases
    /**
     * Same as {@link name}.
     * [DOM spec](https://dom.spec.whatwg.org)-compatible alias.
     */
    get tagName() {
        return this.name;
    }
    set tagName(name) {
        this.name = name;
    }
    get attributes() {
        return Object.keys(this.attribs).map((name) => {
            var _a, _b;
            return ({
                name,
                value: this.attribs[name],
                namespace: (_a = this["x-attribsNamespace"]) === null || _a === void 0 ? void 0 : _a[name],
                prefix: (_b = this["x-attribsPrefix"]) === null || _b === void 0 ? void 0 : _b[name],
            });
        });
    }
}
/**
 * @param node Node to check.
 * @returns `true` if the node is a `Element`, `false` otherwise.
 */
function node_isTag(node) {
    return esm_isTag(node);
}
/**
 * @param node Node to check.
 * @returns `true` if the node has the type `CDATA`, `false` otherwise.
 */
function node_isCDATA(node) {
    return node.type === esm_ElementType.CDATA;
}
/**
 * @param node Node to check.
 * @returns `true` if the node has the type `Text`, `false` otherwise.
 */
function node_isText(node) {
    return node.type === esm_ElementType.Text;
}
/**
 * @param node Node to check.
 * @returns `true` if the node has the type `Comment`, `false` otherwise.
 */
function node_isComment(node) {
    return node.type === esm_ElementType.Comment;
}
/**
 * @param node Node to check.
 * @returns `true` if the node has the type `ProcessingInstruction`, `false` otherwise.
 */
function isDirective(node) {
    return node.type === esm_ElementType.Directive;
}
/**
 * @param node Node to check.
 * @returns `true` if the node has the type `ProcessingInstruction`, `false` otherwise.
 */
function isDocument(node) {
    return node.type === esm_ElementType.Root;
}
/**
 * @param node Node to check.
 * @returns `true` if the node has children, `false` otherwise.
 */
function node_hasChildren(node) {
    return Object.prototype.hasOwnProperty.call(node, "children");
}
/**
 * Clone a node, and optionally its children.
 *
 * @param recursive Clone child nodes as well.
 * @returns A clone of the node.
 */
function cloneNode(node, recursive = false) {
    let result;
    if (node_isText(node)) {
        result = new node_Text(node.data);
    }
    else if (node_isComment(node)) {
        result = new node_Comment(node.data);
    }
    else if (node_isTag(node)) {
        const children = recursive ? cloneChildren(node.children) : [];
        const clone = new node_Element(node.name, { ...node.attribs }, children);
        children.forEach((child) => (child.parent = clone));
        if (node.namespace != null) {
            clone.namespace = node.namespace;
        }
        if (node["x-attribsNamespace"]) {
            clone["x-attribsNamespace"] = { ...node["x-attribsNamespace"] };
        }
        if (node["x-attribsPrefix"]) {
            clone["x-attribsPrefix"] = { ...node["x-attribsPrefix"] };
        }
        result = clone;
    }
    else if (node_isCDATA(node)) {
        const children = recursive ? cloneChildren(node.children) : [];
        const clone = new node_CDATA(children);
        children.forEach((child) => (child.parent = clone));
        result = clone;
    }
    else if (isDocument(node)) {
        const children = recursive ? cloneChildren(node.children) : [];
        const clone = new node_Document(children);
        children.forEach((child) => (child.parent = clone));
        if (node["x-mode"]) {
            clone["x-mode"] = node["x-mode"];
        }
        result = clone;
    }
    else if (isDirective(node)) {
        const instruction = new node_ProcessingInstruction(node.name, node.data);
        if (node["x-name"] != null) {
            instruction["x-name"] = node["x-name"];
            instruction["x-publicId"] = node["x-publicId"];
            instruction["x-systemId"] = node["x-systemId"];
        }
        result = instruction;
    }
    else {
        throw new Error(`Not implemented yet: ${node.type}`);
    }
    result.startIndex = node.startIndex;
    result.endIndex = node.endIndex;
    if (node.sourceCodeLocation != null) {
        result.sourceCodeLocation = node.sourceCodeLocation;
    }
    return result;
}
function cloneChildren(childs) {
    const children = childs.map((child) => cloneNode(child, true));
    for (let i = 1; i < children.length; i++) {
        children[i].prev = children[i - 1];
        children[i - 1].next = children[i];
    }
    return children;
}

;// CONCATENATED MODULE: ./node_modules/domhandler/lib/esm/index.js



// Default options
const defaultOpts = {
    withStartIndices: false,
    withEndIndices: false,
    xmlMode: false,
};
class esm_DomHandler {
    /**
     * @param callback Called once parsing has completed.
     * @param options Settings for the handler.
     * @param elementCB Callback whenever a tag is closed.
     */
    constructor(callback, options, elementCB) {
        /** The elements of the DOM */
        this.dom = [];
        /** The root element for the DOM */
        this.root = new Document(this.dom);
        /** Indicated whether parsing has been completed. */
        this.done = false;
        /** Stack of open tags. */
        this.tagStack = [this.root];
        /** A data node that is still being written to. */
        this.lastNode = null;
        /** Reference to the parser instance. Used for location information. */
        this.parser = null;
        // Make it possible to skip arguments, for backwards-compatibility
        if (typeof options === "function") {
            elementCB = options;
            options = defaultOpts;
        }
        if (typeof callback === "object") {
            options = callback;
            callback = undefined;
        }
        this.callback = callback !== null && callback !== void 0 ? callback : null;
        this.options = options !== null && options !== void 0 ? options : defaultOpts;
        this.elementCB = elementCB !== null && elementCB !== void 0 ? elementCB : null;
    }
    onparserinit(parser) {
        this.parser = parser;
    }
    // Resets the handler back to starting state
    onreset() {
        this.dom = [];
        this.root = new Document(this.dom);
        this.done = false;
        this.tagStack = [this.root];
        this.lastNode = null;
        this.parser = null;
    }
    // Signals the handler that parsing is done
    onend() {
        if (this.done)
            return;
        this.done = true;
        this.parser = null;
        this.handleCallback(null);
    }
    onerror(error) {
        this.handleCallback(error);
    }
    onclosetag() {
        this.lastNode = null;
        const elem = this.tagStack.pop();
        if (this.options.withEndIndices) {
            elem.endIndex = this.parser.endIndex;
        }
        if (this.elementCB)
            this.elementCB(elem);
    }
    onopentag(name, attribs) {
        const type = this.options.xmlMode ? ElementType.Tag : undefined;
        const element = new Element(name, attribs, undefined, type);
        this.addNode(element);
        this.tagStack.push(element);
    }
    ontext(data) {
        const { lastNode } = this;
        if (lastNode && lastNode.type === ElementType.Text) {
            lastNode.data += data;
            if (this.options.withEndIndices) {
                lastNode.endIndex = this.parser.endIndex;
            }
        }
        else {
            const node = new Text(data);
            this.addNode(node);
            this.lastNode = node;
        }
    }
    oncomment(data) {
        if (this.lastNode && this.lastNode.type === ElementType.Comment) {
            this.lastNode.data += data;
            return;
        }
        const node = new Comment(data);
        this.addNode(node);
        this.lastNode = node;
    }
    oncommentend() {
        this.lastNode = null;
    }
    oncdatastart() {
        const text = new Text("");
        const node = new CDATA([text]);
        this.addNode(node);
        text.parent = node;
        this.lastNode = text;
    }
    oncdataend() {
        this.lastNode = null;
    }
    onprocessinginstruction(name, data) {
        const node = new ProcessingInstruction(name, data);
        this.addNode(node);
    }
    handleCallback(error) {
        if (typeof this.callback === "function") {
            this.callback(error, this.dom);
        }
        else if (error) {
            throw error;
        }
    }
    addNode(node) {
        const parent = this.tagStack[this.tagStack.length - 1];
        const previousSibling = parent.children[parent.children.length - 1];
        if (this.options.withStartIndices) {
            node.startIndex = this.parser.startIndex;
        }
        if (this.options.withEndIndices) {
            node.endIndex = this.parser.endIndex;
        }
        parent.children.push(node);
        if (previousSibling) {
            node.prev = previousSibling;
            previousSibling.next = node;
        }
        node.parent = parent;
        this.lastNode = null;
    }
}
/* harmony default export */ const esm = ((/* unused pure expression or super */ null && (esm_DomHandler)));

;// CONCATENATED MODULE: ./node_modules/dom-serializer/node_modules/entities/lib/esm/generated/decode-data-html.js
// Generated using scripts/write-decode-map.ts
/* harmony default export */ const decode_data_html = (new Uint16Array(
// prettier-ignore
"\u1d41<\xd5\u0131\u028a\u049d\u057b\u05d0\u0675\u06de\u07a2\u07d6\u080f\u0a4a\u0a91\u0da1\u0e6d\u0f09\u0f26\u10ca\u1228\u12e1\u1415\u149d\u14c3\u14df\u1525\0\0\0\0\0\0\u156b\u16cd\u198d\u1c12\u1ddd\u1f7e\u2060\u21b0\u228d\u23c0\u23fb\u2442\u2824\u2912\u2d08\u2e48\u2fce\u3016\u32ba\u3639\u37ac\u38fe\u3a28\u3a71\u3ae0\u3b2e\u0800EMabcfglmnoprstu\\bfms\x7f\x84\x8b\x90\x95\x98\xa6\xb3\xb9\xc8\xcflig\u803b\xc6\u40c6P\u803b&\u4026cute\u803b\xc1\u40c1reve;\u4102\u0100iyx}rc\u803b\xc2\u40c2;\u4410r;\uc000\ud835\udd04rave\u803b\xc0\u40c0pha;\u4391acr;\u4100d;\u6a53\u0100gp\x9d\xa1on;\u4104f;\uc000\ud835\udd38plyFunction;\u6061ing\u803b\xc5\u40c5\u0100cs\xbe\xc3r;\uc000\ud835\udc9cign;\u6254ilde\u803b\xc3\u40c3ml\u803b\xc4\u40c4\u0400aceforsu\xe5\xfb\xfe\u0117\u011c\u0122\u0127\u012a\u0100cr\xea\xf2kslash;\u6216\u0176\xf6\xf8;\u6ae7ed;\u6306y;\u4411\u0180crt\u0105\u010b\u0114ause;\u6235noullis;\u612ca;\u4392r;\uc000\ud835\udd05pf;\uc000\ud835\udd39eve;\u42d8c\xf2\u0113mpeq;\u624e\u0700HOacdefhilorsu\u014d\u0151\u0156\u0180\u019e\u01a2\u01b5\u01b7\u01ba\u01dc\u0215\u0273\u0278\u027ecy;\u4427PY\u803b\xa9\u40a9\u0180cpy\u015d\u0162\u017aute;\u4106\u0100;i\u0167\u0168\u62d2talDifferentialD;\u6145leys;\u612d\u0200aeio\u0189\u018e\u0194\u0198ron;\u410cdil\u803b\xc7\u40c7rc;\u4108nint;\u6230ot;\u410a\u0100dn\u01a7\u01adilla;\u40b8terDot;\u40b7\xf2\u017fi;\u43a7rcle\u0200DMPT\u01c7\u01cb\u01d1\u01d6ot;\u6299inus;\u6296lus;\u6295imes;\u6297o\u0100cs\u01e2\u01f8kwiseContourIntegral;\u6232eCurly\u0100DQ\u0203\u020foubleQuote;\u601duote;\u6019\u0200lnpu\u021e\u0228\u0247\u0255on\u0100;e\u0225\u0226\u6237;\u6a74\u0180git\u022f\u0236\u023aruent;\u6261nt;\u622fourIntegral;\u622e\u0100fr\u024c\u024e;\u6102oduct;\u6210nterClockwiseContourIntegral;\u6233oss;\u6a2fcr;\uc000\ud835\udc9ep\u0100;C\u0284\u0285\u62d3ap;\u624d\u0580DJSZacefios\u02a0\u02ac\u02b0\u02b4\u02b8\u02cb\u02d7\u02e1\u02e6\u0333\u048d\u0100;o\u0179\u02a5trahd;\u6911cy;\u4402cy;\u4405cy;\u440f\u0180grs\u02bf\u02c4\u02c7ger;\u6021r;\u61a1hv;\u6ae4\u0100ay\u02d0\u02d5ron;\u410e;\u4414l\u0100;t\u02dd\u02de\u6207a;\u4394r;\uc000\ud835\udd07\u0100af\u02eb\u0327\u0100cm\u02f0\u0322ritical\u0200ADGT\u0300\u0306\u0316\u031ccute;\u40b4o\u0174\u030b\u030d;\u42d9bleAcute;\u42ddrave;\u4060ilde;\u42dcond;\u62c4ferentialD;\u6146\u0470\u033d\0\0\0\u0342\u0354\0\u0405f;\uc000\ud835\udd3b\u0180;DE\u0348\u0349\u034d\u40a8ot;\u60dcqual;\u6250ble\u0300CDLRUV\u0363\u0372\u0382\u03cf\u03e2\u03f8ontourIntegra\xec\u0239o\u0274\u0379\0\0\u037b\xbb\u0349nArrow;\u61d3\u0100eo\u0387\u03a4ft\u0180ART\u0390\u0396\u03a1rrow;\u61d0ightArrow;\u61d4e\xe5\u02cang\u0100LR\u03ab\u03c4eft\u0100AR\u03b3\u03b9rrow;\u67f8ightArrow;\u67faightArrow;\u67f9ight\u0100AT\u03d8\u03derrow;\u61d2ee;\u62a8p\u0241\u03e9\0\0\u03efrrow;\u61d1ownArrow;\u61d5erticalBar;\u6225n\u0300ABLRTa\u0412\u042a\u0430\u045e\u047f\u037crrow\u0180;BU\u041d\u041e\u0422\u6193ar;\u6913pArrow;\u61f5reve;\u4311eft\u02d2\u043a\0\u0446\0\u0450ightVector;\u6950eeVector;\u695eector\u0100;B\u0459\u045a\u61bdar;\u6956ight\u01d4\u0467\0\u0471eeVector;\u695fector\u0100;B\u047a\u047b\u61c1ar;\u6957ee\u0100;A\u0486\u0487\u62a4rrow;\u61a7\u0100ct\u0492\u0497r;\uc000\ud835\udc9frok;\u4110\u0800NTacdfglmopqstux\u04bd\u04c0\u04c4\u04cb\u04de\u04e2\u04e7\u04ee\u04f5\u0521\u052f\u0536\u0552\u055d\u0560\u0565G;\u414aH\u803b\xd0\u40d0cute\u803b\xc9\u40c9\u0180aiy\u04d2\u04d7\u04dcron;\u411arc\u803b\xca\u40ca;\u442dot;\u4116r;\uc000\ud835\udd08rave\u803b\xc8\u40c8ement;\u6208\u0100ap\u04fa\u04fecr;\u4112ty\u0253\u0506\0\0\u0512mallSquare;\u65fberySmallSquare;\u65ab\u0100gp\u0526\u052aon;\u4118f;\uc000\ud835\udd3csilon;\u4395u\u0100ai\u053c\u0549l\u0100;T\u0542\u0543\u6a75ilde;\u6242librium;\u61cc\u0100ci\u0557\u055ar;\u6130m;\u6a73a;\u4397ml\u803b\xcb\u40cb\u0100ip\u056a\u056fsts;\u6203onentialE;\u6147\u0280cfios\u0585\u0588\u058d\u05b2\u05ccy;\u4424r;\uc000\ud835\udd09lled\u0253\u0597\0\0\u05a3mallSquare;\u65fcerySmallSquare;\u65aa\u0370\u05ba\0\u05bf\0\0\u05c4f;\uc000\ud835\udd3dAll;\u6200riertrf;\u6131c\xf2\u05cb\u0600JTabcdfgorst\u05e8\u05ec\u05ef\u05fa\u0600\u0612\u0616\u061b\u061d\u0623\u066c\u0672cy;\u4403\u803b>\u403emma\u0100;d\u05f7\u05f8\u4393;\u43dcreve;\u411e\u0180eiy\u0607\u060c\u0610dil;\u4122rc;\u411c;\u4413ot;\u4120r;\uc000\ud835\udd0a;\u62d9pf;\uc000\ud835\udd3eeater\u0300EFGLST\u0635\u0644\u064e\u0656\u065b\u0666qual\u0100;L\u063e\u063f\u6265ess;\u62dbullEqual;\u6267reater;\u6aa2ess;\u6277lantEqual;\u6a7eilde;\u6273cr;\uc000\ud835\udca2;\u626b\u0400Aacfiosu\u0685\u068b\u0696\u069b\u069e\u06aa\u06be\u06caRDcy;\u442a\u0100ct\u0690\u0694ek;\u42c7;\u405eirc;\u4124r;\u610clbertSpace;\u610b\u01f0\u06af\0\u06b2f;\u610dizontalLine;\u6500\u0100ct\u06c3\u06c5\xf2\u06a9rok;\u4126mp\u0144\u06d0\u06d8ownHum\xf0\u012fqual;\u624f\u0700EJOacdfgmnostu\u06fa\u06fe\u0703\u0707\u070e\u071a\u071e\u0721\u0728\u0744\u0778\u078b\u078f\u0795cy;\u4415lig;\u4132cy;\u4401cute\u803b\xcd\u40cd\u0100iy\u0713\u0718rc\u803b\xce\u40ce;\u4418ot;\u4130r;\u6111rave\u803b\xcc\u40cc\u0180;ap\u0720\u072f\u073f\u0100cg\u0734\u0737r;\u412ainaryI;\u6148lie\xf3\u03dd\u01f4\u0749\0\u0762\u0100;e\u074d\u074e\u622c\u0100gr\u0753\u0758ral;\u622bsection;\u62c2isible\u0100CT\u076c\u0772omma;\u6063imes;\u6062\u0180gpt\u077f\u0783\u0788on;\u412ef;\uc000\ud835\udd40a;\u4399cr;\u6110ilde;\u4128\u01eb\u079a\0\u079ecy;\u4406l\u803b\xcf\u40cf\u0280cfosu\u07ac\u07b7\u07bc\u07c2\u07d0\u0100iy\u07b1\u07b5rc;\u4134;\u4419r;\uc000\ud835\udd0dpf;\uc000\ud835\udd41\u01e3\u07c7\0\u07ccr;\uc000\ud835\udca5rcy;\u4408kcy;\u4404\u0380HJacfos\u07e4\u07e8\u07ec\u07f1\u07fd\u0802\u0808cy;\u4425cy;\u440cppa;\u439a\u0100ey\u07f6\u07fbdil;\u4136;\u441ar;\uc000\ud835\udd0epf;\uc000\ud835\udd42cr;\uc000\ud835\udca6\u0580JTaceflmost\u0825\u0829\u082c\u0850\u0863\u09b3\u09b8\u09c7\u09cd\u0a37\u0a47cy;\u4409\u803b<\u403c\u0280cmnpr\u0837\u083c\u0841\u0844\u084dute;\u4139bda;\u439bg;\u67ealacetrf;\u6112r;\u619e\u0180aey\u0857\u085c\u0861ron;\u413ddil;\u413b;\u441b\u0100fs\u0868\u0970t\u0500ACDFRTUVar\u087e\u08a9\u08b1\u08e0\u08e6\u08fc\u092f\u095b\u0390\u096a\u0100nr\u0883\u088fgleBracket;\u67e8row\u0180;BR\u0899\u089a\u089e\u6190ar;\u61e4ightArrow;\u61c6eiling;\u6308o\u01f5\u08b7\0\u08c3bleBracket;\u67e6n\u01d4\u08c8\0\u08d2eeVector;\u6961ector\u0100;B\u08db\u08dc\u61c3ar;\u6959loor;\u630aight\u0100AV\u08ef\u08f5rrow;\u6194ector;\u694e\u0100er\u0901\u0917e\u0180;AV\u0909\u090a\u0910\u62a3rrow;\u61a4ector;\u695aiangle\u0180;BE\u0924\u0925\u0929\u62b2ar;\u69cfqual;\u62b4p\u0180DTV\u0937\u0942\u094cownVector;\u6951eeVector;\u6960ector\u0100;B\u0956\u0957\u61bfar;\u6958ector\u0100;B\u0965\u0966\u61bcar;\u6952ight\xe1\u039cs\u0300EFGLST\u097e\u098b\u0995\u099d\u09a2\u09adqualGreater;\u62daullEqual;\u6266reater;\u6276ess;\u6aa1lantEqual;\u6a7dilde;\u6272r;\uc000\ud835\udd0f\u0100;e\u09bd\u09be\u62d8ftarrow;\u61daidot;\u413f\u0180npw\u09d4\u0a16\u0a1bg\u0200LRlr\u09de\u09f7\u0a02\u0a10eft\u0100AR\u09e6\u09ecrrow;\u67f5ightArrow;\u67f7ightArrow;\u67f6eft\u0100ar\u03b3\u0a0aight\xe1\u03bfight\xe1\u03caf;\uc000\ud835\udd43er\u0100LR\u0a22\u0a2ceftArrow;\u6199ightArrow;\u6198\u0180cht\u0a3e\u0a40\u0a42\xf2\u084c;\u61b0rok;\u4141;\u626a\u0400acefiosu\u0a5a\u0a5d\u0a60\u0a77\u0a7c\u0a85\u0a8b\u0a8ep;\u6905y;\u441c\u0100dl\u0a65\u0a6fiumSpace;\u605flintrf;\u6133r;\uc000\ud835\udd10nusPlus;\u6213pf;\uc000\ud835\udd44c\xf2\u0a76;\u439c\u0480Jacefostu\u0aa3\u0aa7\u0aad\u0ac0\u0b14\u0b19\u0d91\u0d97\u0d9ecy;\u440acute;\u4143\u0180aey\u0ab4\u0ab9\u0aberon;\u4147dil;\u4145;\u441d\u0180gsw\u0ac7\u0af0\u0b0eative\u0180MTV\u0ad3\u0adf\u0ae8ediumSpace;\u600bhi\u0100cn\u0ae6\u0ad8\xeb\u0ad9eryThi\xee\u0ad9ted\u0100GL\u0af8\u0b06reaterGreate\xf2\u0673essLes\xf3\u0a48Line;\u400ar;\uc000\ud835\udd11\u0200Bnpt\u0b22\u0b28\u0b37\u0b3areak;\u6060BreakingSpace;\u40a0f;\u6115\u0680;CDEGHLNPRSTV\u0b55\u0b56\u0b6a\u0b7c\u0ba1\u0beb\u0c04\u0c5e\u0c84\u0ca6\u0cd8\u0d61\u0d85\u6aec\u0100ou\u0b5b\u0b64ngruent;\u6262pCap;\u626doubleVerticalBar;\u6226\u0180lqx\u0b83\u0b8a\u0b9bement;\u6209ual\u0100;T\u0b92\u0b93\u6260ilde;\uc000\u2242\u0338ists;\u6204reater\u0380;EFGLST\u0bb6\u0bb7\u0bbd\u0bc9\u0bd3\u0bd8\u0be5\u626fqual;\u6271ullEqual;\uc000\u2267\u0338reater;\uc000\u226b\u0338ess;\u6279lantEqual;\uc000\u2a7e\u0338ilde;\u6275ump\u0144\u0bf2\u0bfdownHump;\uc000\u224e\u0338qual;\uc000\u224f\u0338e\u0100fs\u0c0a\u0c27tTriangle\u0180;BE\u0c1a\u0c1b\u0c21\u62eaar;\uc000\u29cf\u0338qual;\u62ecs\u0300;EGLST\u0c35\u0c36\u0c3c\u0c44\u0c4b\u0c58\u626equal;\u6270reater;\u6278ess;\uc000\u226a\u0338lantEqual;\uc000\u2a7d\u0338ilde;\u6274ested\u0100GL\u0c68\u0c79reaterGreater;\uc000\u2aa2\u0338essLess;\uc000\u2aa1\u0338recedes\u0180;ES\u0c92\u0c93\u0c9b\u6280qual;\uc000\u2aaf\u0338lantEqual;\u62e0\u0100ei\u0cab\u0cb9verseElement;\u620cghtTriangle\u0180;BE\u0ccb\u0ccc\u0cd2\u62ebar;\uc000\u29d0\u0338qual;\u62ed\u0100qu\u0cdd\u0d0cuareSu\u0100bp\u0ce8\u0cf9set\u0100;E\u0cf0\u0cf3\uc000\u228f\u0338qual;\u62e2erset\u0100;E\u0d03\u0d06\uc000\u2290\u0338qual;\u62e3\u0180bcp\u0d13\u0d24\u0d4eset\u0100;E\u0d1b\u0d1e\uc000\u2282\u20d2qual;\u6288ceeds\u0200;EST\u0d32\u0d33\u0d3b\u0d46\u6281qual;\uc000\u2ab0\u0338lantEqual;\u62e1ilde;\uc000\u227f\u0338erset\u0100;E\u0d58\u0d5b\uc000\u2283\u20d2qual;\u6289ilde\u0200;EFT\u0d6e\u0d6f\u0d75\u0d7f\u6241qual;\u6244ullEqual;\u6247ilde;\u6249erticalBar;\u6224cr;\uc000\ud835\udca9ilde\u803b\xd1\u40d1;\u439d\u0700Eacdfgmoprstuv\u0dbd\u0dc2\u0dc9\u0dd5\u0ddb\u0de0\u0de7\u0dfc\u0e02\u0e20\u0e22\u0e32\u0e3f\u0e44lig;\u4152cute\u803b\xd3\u40d3\u0100iy\u0dce\u0dd3rc\u803b\xd4\u40d4;\u441eblac;\u4150r;\uc000\ud835\udd12rave\u803b\xd2\u40d2\u0180aei\u0dee\u0df2\u0df6cr;\u414cga;\u43a9cron;\u439fpf;\uc000\ud835\udd46enCurly\u0100DQ\u0e0e\u0e1aoubleQuote;\u601cuote;\u6018;\u6a54\u0100cl\u0e27\u0e2cr;\uc000\ud835\udcaaash\u803b\xd8\u40d8i\u016c\u0e37\u0e3cde\u803b\xd5\u40d5es;\u6a37ml\u803b\xd6\u40d6er\u0100BP\u0e4b\u0e60\u0100ar\u0e50\u0e53r;\u603eac\u0100ek\u0e5a\u0e5c;\u63deet;\u63b4arenthesis;\u63dc\u0480acfhilors\u0e7f\u0e87\u0e8a\u0e8f\u0e92\u0e94\u0e9d\u0eb0\u0efcrtialD;\u6202y;\u441fr;\uc000\ud835\udd13i;\u43a6;\u43a0usMinus;\u40b1\u0100ip\u0ea2\u0eadncareplan\xe5\u069df;\u6119\u0200;eio\u0eb9\u0eba\u0ee0\u0ee4\u6abbcedes\u0200;EST\u0ec8\u0ec9\u0ecf\u0eda\u627aqual;\u6aaflantEqual;\u627cilde;\u627eme;\u6033\u0100dp\u0ee9\u0eeeuct;\u620fortion\u0100;a\u0225\u0ef9l;\u621d\u0100ci\u0f01\u0f06r;\uc000\ud835\udcab;\u43a8\u0200Ufos\u0f11\u0f16\u0f1b\u0f1fOT\u803b\"\u4022r;\uc000\ud835\udd14pf;\u611acr;\uc000\ud835\udcac\u0600BEacefhiorsu\u0f3e\u0f43\u0f47\u0f60\u0f73\u0fa7\u0faa\u0fad\u1096\u10a9\u10b4\u10bearr;\u6910G\u803b\xae\u40ae\u0180cnr\u0f4e\u0f53\u0f56ute;\u4154g;\u67ebr\u0100;t\u0f5c\u0f5d\u61a0l;\u6916\u0180aey\u0f67\u0f6c\u0f71ron;\u4158dil;\u4156;\u4420\u0100;v\u0f78\u0f79\u611cerse\u0100EU\u0f82\u0f99\u0100lq\u0f87\u0f8eement;\u620builibrium;\u61cbpEquilibrium;\u696fr\xbb\u0f79o;\u43a1ght\u0400ACDFTUVa\u0fc1\u0feb\u0ff3\u1022\u1028\u105b\u1087\u03d8\u0100nr\u0fc6\u0fd2gleBracket;\u67e9row\u0180;BL\u0fdc\u0fdd\u0fe1\u6192ar;\u61e5eftArrow;\u61c4eiling;\u6309o\u01f5\u0ff9\0\u1005bleBracket;\u67e7n\u01d4\u100a\0\u1014eeVector;\u695dector\u0100;B\u101d\u101e\u61c2ar;\u6955loor;\u630b\u0100er\u102d\u1043e\u0180;AV\u1035\u1036\u103c\u62a2rrow;\u61a6ector;\u695biangle\u0180;BE\u1050\u1051\u1055\u62b3ar;\u69d0qual;\u62b5p\u0180DTV\u1063\u106e\u1078ownVector;\u694feeVector;\u695cector\u0100;B\u1082\u1083\u61bear;\u6954ector\u0100;B\u1091\u1092\u61c0ar;\u6953\u0100pu\u109b\u109ef;\u611dndImplies;\u6970ightarrow;\u61db\u0100ch\u10b9\u10bcr;\u611b;\u61b1leDelayed;\u69f4\u0680HOacfhimoqstu\u10e4\u10f1\u10f7\u10fd\u1119\u111e\u1151\u1156\u1161\u1167\u11b5\u11bb\u11bf\u0100Cc\u10e9\u10eeHcy;\u4429y;\u4428FTcy;\u442ccute;\u415a\u0280;aeiy\u1108\u1109\u110e\u1113\u1117\u6abcron;\u4160dil;\u415erc;\u415c;\u4421r;\uc000\ud835\udd16ort\u0200DLRU\u112a\u1134\u113e\u1149ownArrow\xbb\u041eeftArrow\xbb\u089aightArrow\xbb\u0fddpArrow;\u6191gma;\u43a3allCircle;\u6218pf;\uc000\ud835\udd4a\u0272\u116d\0\0\u1170t;\u621aare\u0200;ISU\u117b\u117c\u1189\u11af\u65a1ntersection;\u6293u\u0100bp\u118f\u119eset\u0100;E\u1197\u1198\u628fqual;\u6291erset\u0100;E\u11a8\u11a9\u6290qual;\u6292nion;\u6294cr;\uc000\ud835\udcaear;\u62c6\u0200bcmp\u11c8\u11db\u1209\u120b\u0100;s\u11cd\u11ce\u62d0et\u0100;E\u11cd\u11d5qual;\u6286\u0100ch\u11e0\u1205eeds\u0200;EST\u11ed\u11ee\u11f4\u11ff\u627bqual;\u6ab0lantEqual;\u627dilde;\u627fTh\xe1\u0f8c;\u6211\u0180;es\u1212\u1213\u1223\u62d1rset\u0100;E\u121c\u121d\u6283qual;\u6287et\xbb\u1213\u0580HRSacfhiors\u123e\u1244\u1249\u1255\u125e\u1271\u1276\u129f\u12c2\u12c8\u12d1ORN\u803b\xde\u40deADE;\u6122\u0100Hc\u124e\u1252cy;\u440by;\u4426\u0100bu\u125a\u125c;\u4009;\u43a4\u0180aey\u1265\u126a\u126fron;\u4164dil;\u4162;\u4422r;\uc000\ud835\udd17\u0100ei\u127b\u1289\u01f2\u1280\0\u1287efore;\u6234a;\u4398\u0100cn\u128e\u1298kSpace;\uc000\u205f\u200aSpace;\u6009lde\u0200;EFT\u12ab\u12ac\u12b2\u12bc\u623cqual;\u6243ullEqual;\u6245ilde;\u6248pf;\uc000\ud835\udd4bipleDot;\u60db\u0100ct\u12d6\u12dbr;\uc000\ud835\udcafrok;\u4166\u0ae1\u12f7\u130e\u131a\u1326\0\u132c\u1331\0\0\0\0\0\u1338\u133d\u1377\u1385\0\u13ff\u1404\u140a\u1410\u0100cr\u12fb\u1301ute\u803b\xda\u40dar\u0100;o\u1307\u1308\u619fcir;\u6949r\u01e3\u1313\0\u1316y;\u440eve;\u416c\u0100iy\u131e\u1323rc\u803b\xdb\u40db;\u4423blac;\u4170r;\uc000\ud835\udd18rave\u803b\xd9\u40d9acr;\u416a\u0100di\u1341\u1369er\u0100BP\u1348\u135d\u0100ar\u134d\u1350r;\u405fac\u0100ek\u1357\u1359;\u63dfet;\u63b5arenthesis;\u63ddon\u0100;P\u1370\u1371\u62c3lus;\u628e\u0100gp\u137b\u137fon;\u4172f;\uc000\ud835\udd4c\u0400ADETadps\u1395\u13ae\u13b8\u13c4\u03e8\u13d2\u13d7\u13f3rrow\u0180;BD\u1150\u13a0\u13a4ar;\u6912ownArrow;\u61c5ownArrow;\u6195quilibrium;\u696eee\u0100;A\u13cb\u13cc\u62a5rrow;\u61a5own\xe1\u03f3er\u0100LR\u13de\u13e8eftArrow;\u6196ightArrow;\u6197i\u0100;l\u13f9\u13fa\u43d2on;\u43a5ing;\u416ecr;\uc000\ud835\udcb0ilde;\u4168ml\u803b\xdc\u40dc\u0480Dbcdefosv\u1427\u142c\u1430\u1433\u143e\u1485\u148a\u1490\u1496ash;\u62abar;\u6aeby;\u4412ash\u0100;l\u143b\u143c\u62a9;\u6ae6\u0100er\u1443\u1445;\u62c1\u0180bty\u144c\u1450\u147aar;\u6016\u0100;i\u144f\u1455cal\u0200BLST\u1461\u1465\u146a\u1474ar;\u6223ine;\u407ceparator;\u6758ilde;\u6240ThinSpace;\u600ar;\uc000\ud835\udd19pf;\uc000\ud835\udd4dcr;\uc000\ud835\udcb1dash;\u62aa\u0280cefos\u14a7\u14ac\u14b1\u14b6\u14bcirc;\u4174dge;\u62c0r;\uc000\ud835\udd1apf;\uc000\ud835\udd4ecr;\uc000\ud835\udcb2\u0200fios\u14cb\u14d0\u14d2\u14d8r;\uc000\ud835\udd1b;\u439epf;\uc000\ud835\udd4fcr;\uc000\ud835\udcb3\u0480AIUacfosu\u14f1\u14f5\u14f9\u14fd\u1504\u150f\u1514\u151a\u1520cy;\u442fcy;\u4407cy;\u442ecute\u803b\xdd\u40dd\u0100iy\u1509\u150drc;\u4176;\u442br;\uc000\ud835\udd1cpf;\uc000\ud835\udd50cr;\uc000\ud835\udcb4ml;\u4178\u0400Hacdefos\u1535\u1539\u153f\u154b\u154f\u155d\u1560\u1564cy;\u4416cute;\u4179\u0100ay\u1544\u1549ron;\u417d;\u4417ot;\u417b\u01f2\u1554\0\u155boWidt\xe8\u0ad9a;\u4396r;\u6128pf;\u6124cr;\uc000\ud835\udcb5\u0be1\u1583\u158a\u1590\0\u15b0\u15b6\u15bf\0\0\0\0\u15c6\u15db\u15eb\u165f\u166d\0\u1695\u169b\u16b2\u16b9\0\u16becute\u803b\xe1\u40e1reve;\u4103\u0300;Ediuy\u159c\u159d\u15a1\u15a3\u15a8\u15ad\u623e;\uc000\u223e\u0333;\u623frc\u803b\xe2\u40e2te\u80bb\xb4\u0306;\u4430lig\u803b\xe6\u40e6\u0100;r\xb2\u15ba;\uc000\ud835\udd1erave\u803b\xe0\u40e0\u0100ep\u15ca\u15d6\u0100fp\u15cf\u15d4sym;\u6135\xe8\u15d3ha;\u43b1\u0100ap\u15dfc\u0100cl\u15e4\u15e7r;\u4101g;\u6a3f\u0264\u15f0\0\0\u160a\u0280;adsv\u15fa\u15fb\u15ff\u1601\u1607\u6227nd;\u6a55;\u6a5clope;\u6a58;\u6a5a\u0380;elmrsz\u1618\u1619\u161b\u161e\u163f\u164f\u1659\u6220;\u69a4e\xbb\u1619sd\u0100;a\u1625\u1626\u6221\u0461\u1630\u1632\u1634\u1636\u1638\u163a\u163c\u163e;\u69a8;\u69a9;\u69aa;\u69ab;\u69ac;\u69ad;\u69ae;\u69aft\u0100;v\u1645\u1646\u621fb\u0100;d\u164c\u164d\u62be;\u699d\u0100pt\u1654\u1657h;\u6222\xbb\xb9arr;\u637c\u0100gp\u1663\u1667on;\u4105f;\uc000\ud835\udd52\u0380;Eaeiop\u12c1\u167b\u167d\u1682\u1684\u1687\u168a;\u6a70cir;\u6a6f;\u624ad;\u624bs;\u4027rox\u0100;e\u12c1\u1692\xf1\u1683ing\u803b\xe5\u40e5\u0180cty\u16a1\u16a6\u16a8r;\uc000\ud835\udcb6;\u402amp\u0100;e\u12c1\u16af\xf1\u0288ilde\u803b\xe3\u40e3ml\u803b\xe4\u40e4\u0100ci\u16c2\u16c8onin\xf4\u0272nt;\u6a11\u0800Nabcdefiklnoprsu\u16ed\u16f1\u1730\u173c\u1743\u1748\u1778\u177d\u17e0\u17e6\u1839\u1850\u170d\u193d\u1948\u1970ot;\u6aed\u0100cr\u16f6\u171ek\u0200ceps\u1700\u1705\u170d\u1713ong;\u624cpsilon;\u43f6rime;\u6035im\u0100;e\u171a\u171b\u623dq;\u62cd\u0176\u1722\u1726ee;\u62bded\u0100;g\u172c\u172d\u6305e\xbb\u172drk\u0100;t\u135c\u1737brk;\u63b6\u0100oy\u1701\u1741;\u4431quo;\u601e\u0280cmprt\u1753\u175b\u1761\u1764\u1768aus\u0100;e\u010a\u0109ptyv;\u69b0s\xe9\u170cno\xf5\u0113\u0180ahw\u176f\u1771\u1773;\u43b2;\u6136een;\u626cr;\uc000\ud835\udd1fg\u0380costuvw\u178d\u179d\u17b3\u17c1\u17d5\u17db\u17de\u0180aiu\u1794\u1796\u179a\xf0\u0760rc;\u65efp\xbb\u1371\u0180dpt\u17a4\u17a8\u17adot;\u6a00lus;\u6a01imes;\u6a02\u0271\u17b9\0\0\u17becup;\u6a06ar;\u6605riangle\u0100du\u17cd\u17d2own;\u65bdp;\u65b3plus;\u6a04e\xe5\u1444\xe5\u14adarow;\u690d\u0180ako\u17ed\u1826\u1835\u0100cn\u17f2\u1823k\u0180lst\u17fa\u05ab\u1802ozenge;\u69ebriangle\u0200;dlr\u1812\u1813\u1818\u181d\u65b4own;\u65beeft;\u65c2ight;\u65b8k;\u6423\u01b1\u182b\0\u1833\u01b2\u182f\0\u1831;\u6592;\u65914;\u6593ck;\u6588\u0100eo\u183e\u184d\u0100;q\u1843\u1846\uc000=\u20e5uiv;\uc000\u2261\u20e5t;\u6310\u0200ptwx\u1859\u185e\u1867\u186cf;\uc000\ud835\udd53\u0100;t\u13cb\u1863om\xbb\u13cctie;\u62c8\u0600DHUVbdhmptuv\u1885\u1896\u18aa\u18bb\u18d7\u18db\u18ec\u18ff\u1905\u190a\u1910\u1921\u0200LRlr\u188e\u1890\u1892\u1894;\u6557;\u6554;\u6556;\u6553\u0280;DUdu\u18a1\u18a2\u18a4\u18a6\u18a8\u6550;\u6566;\u6569;\u6564;\u6567\u0200LRlr\u18b3\u18b5\u18b7\u18b9;\u655d;\u655a;\u655c;\u6559\u0380;HLRhlr\u18ca\u18cb\u18cd\u18cf\u18d1\u18d3\u18d5\u6551;\u656c;\u6563;\u6560;\u656b;\u6562;\u655fox;\u69c9\u0200LRlr\u18e4\u18e6\u18e8\u18ea;\u6555;\u6552;\u6510;\u650c\u0280;DUdu\u06bd\u18f7\u18f9\u18fb\u18fd;\u6565;\u6568;\u652c;\u6534inus;\u629flus;\u629eimes;\u62a0\u0200LRlr\u1919\u191b\u191d\u191f;\u655b;\u6558;\u6518;\u6514\u0380;HLRhlr\u1930\u1931\u1933\u1935\u1937\u1939\u193b\u6502;\u656a;\u6561;\u655e;\u653c;\u6524;\u651c\u0100ev\u0123\u1942bar\u803b\xa6\u40a6\u0200ceio\u1951\u1956\u195a\u1960r;\uc000\ud835\udcb7mi;\u604fm\u0100;e\u171a\u171cl\u0180;bh\u1968\u1969\u196b\u405c;\u69c5sub;\u67c8\u016c\u1974\u197el\u0100;e\u1979\u197a\u6022t\xbb\u197ap\u0180;Ee\u012f\u1985\u1987;\u6aae\u0100;q\u06dc\u06db\u0ce1\u19a7\0\u19e8\u1a11\u1a15\u1a32\0\u1a37\u1a50\0\0\u1ab4\0\0\u1ac1\0\0\u1b21\u1b2e\u1b4d\u1b52\0\u1bfd\0\u1c0c\u0180cpr\u19ad\u19b2\u19ddute;\u4107\u0300;abcds\u19bf\u19c0\u19c4\u19ca\u19d5\u19d9\u6229nd;\u6a44rcup;\u6a49\u0100au\u19cf\u19d2p;\u6a4bp;\u6a47ot;\u6a40;\uc000\u2229\ufe00\u0100eo\u19e2\u19e5t;\u6041\xee\u0693\u0200aeiu\u19f0\u19fb\u1a01\u1a05\u01f0\u19f5\0\u19f8s;\u6a4don;\u410ddil\u803b\xe7\u40e7rc;\u4109ps\u0100;s\u1a0c\u1a0d\u6a4cm;\u6a50ot;\u410b\u0180dmn\u1a1b\u1a20\u1a26il\u80bb\xb8\u01adptyv;\u69b2t\u8100\xa2;e\u1a2d\u1a2e\u40a2r\xe4\u01b2r;\uc000\ud835\udd20\u0180cei\u1a3d\u1a40\u1a4dy;\u4447ck\u0100;m\u1a47\u1a48\u6713ark\xbb\u1a48;\u43c7r\u0380;Ecefms\u1a5f\u1a60\u1a62\u1a6b\u1aa4\u1aaa\u1aae\u65cb;\u69c3\u0180;el\u1a69\u1a6a\u1a6d\u42c6q;\u6257e\u0261\u1a74\0\0\u1a88rrow\u0100lr\u1a7c\u1a81eft;\u61baight;\u61bb\u0280RSacd\u1a92\u1a94\u1a96\u1a9a\u1a9f\xbb\u0f47;\u64c8st;\u629birc;\u629aash;\u629dnint;\u6a10id;\u6aefcir;\u69c2ubs\u0100;u\u1abb\u1abc\u6663it\xbb\u1abc\u02ec\u1ac7\u1ad4\u1afa\0\u1b0aon\u0100;e\u1acd\u1ace\u403a\u0100;q\xc7\xc6\u026d\u1ad9\0\0\u1ae2a\u0100;t\u1ade\u1adf\u402c;\u4040\u0180;fl\u1ae8\u1ae9\u1aeb\u6201\xee\u1160e\u0100mx\u1af1\u1af6ent\xbb\u1ae9e\xf3\u024d\u01e7\u1afe\0\u1b07\u0100;d\u12bb\u1b02ot;\u6a6dn\xf4\u0246\u0180fry\u1b10\u1b14\u1b17;\uc000\ud835\udd54o\xe4\u0254\u8100\xa9;s\u0155\u1b1dr;\u6117\u0100ao\u1b25\u1b29rr;\u61b5ss;\u6717\u0100cu\u1b32\u1b37r;\uc000\ud835\udcb8\u0100bp\u1b3c\u1b44\u0100;e\u1b41\u1b42\u6acf;\u6ad1\u0100;e\u1b49\u1b4a\u6ad0;\u6ad2dot;\u62ef\u0380delprvw\u1b60\u1b6c\u1b77\u1b82\u1bac\u1bd4\u1bf9arr\u0100lr\u1b68\u1b6a;\u6938;\u6935\u0270\u1b72\0\0\u1b75r;\u62dec;\u62dfarr\u0100;p\u1b7f\u1b80\u61b6;\u693d\u0300;bcdos\u1b8f\u1b90\u1b96\u1ba1\u1ba5\u1ba8\u622arcap;\u6a48\u0100au\u1b9b\u1b9ep;\u6a46p;\u6a4aot;\u628dr;\u6a45;\uc000\u222a\ufe00\u0200alrv\u1bb5\u1bbf\u1bde\u1be3rr\u0100;m\u1bbc\u1bbd\u61b7;\u693cy\u0180evw\u1bc7\u1bd4\u1bd8q\u0270\u1bce\0\0\u1bd2re\xe3\u1b73u\xe3\u1b75ee;\u62ceedge;\u62cfen\u803b\xa4\u40a4earrow\u0100lr\u1bee\u1bf3eft\xbb\u1b80ight\xbb\u1bbde\xe4\u1bdd\u0100ci\u1c01\u1c07onin\xf4\u01f7nt;\u6231lcty;\u632d\u0980AHabcdefhijlorstuwz\u1c38\u1c3b\u1c3f\u1c5d\u1c69\u1c75\u1c8a\u1c9e\u1cac\u1cb7\u1cfb\u1cff\u1d0d\u1d7b\u1d91\u1dab\u1dbb\u1dc6\u1dcdr\xf2\u0381ar;\u6965\u0200glrs\u1c48\u1c4d\u1c52\u1c54ger;\u6020eth;\u6138\xf2\u1133h\u0100;v\u1c5a\u1c5b\u6010\xbb\u090a\u016b\u1c61\u1c67arow;\u690fa\xe3\u0315\u0100ay\u1c6e\u1c73ron;\u410f;\u4434\u0180;ao\u0332\u1c7c\u1c84\u0100gr\u02bf\u1c81r;\u61catseq;\u6a77\u0180glm\u1c91\u1c94\u1c98\u803b\xb0\u40b0ta;\u43b4ptyv;\u69b1\u0100ir\u1ca3\u1ca8sht;\u697f;\uc000\ud835\udd21ar\u0100lr\u1cb3\u1cb5\xbb\u08dc\xbb\u101e\u0280aegsv\u1cc2\u0378\u1cd6\u1cdc\u1ce0m\u0180;os\u0326\u1cca\u1cd4nd\u0100;s\u0326\u1cd1uit;\u6666amma;\u43ddin;\u62f2\u0180;io\u1ce7\u1ce8\u1cf8\u40f7de\u8100\xf7;o\u1ce7\u1cf0ntimes;\u62c7n\xf8\u1cf7cy;\u4452c\u026f\u1d06\0\0\u1d0arn;\u631eop;\u630d\u0280lptuw\u1d18\u1d1d\u1d22\u1d49\u1d55lar;\u4024f;\uc000\ud835\udd55\u0280;emps\u030b\u1d2d\u1d37\u1d3d\u1d42q\u0100;d\u0352\u1d33ot;\u6251inus;\u6238lus;\u6214quare;\u62a1blebarwedg\xe5\xfan\u0180adh\u112e\u1d5d\u1d67ownarrow\xf3\u1c83arpoon\u0100lr\u1d72\u1d76ef\xf4\u1cb4igh\xf4\u1cb6\u0162\u1d7f\u1d85karo\xf7\u0f42\u026f\u1d8a\0\0\u1d8ern;\u631fop;\u630c\u0180cot\u1d98\u1da3\u1da6\u0100ry\u1d9d\u1da1;\uc000\ud835\udcb9;\u4455l;\u69f6rok;\u4111\u0100dr\u1db0\u1db4ot;\u62f1i\u0100;f\u1dba\u1816\u65bf\u0100ah\u1dc0\u1dc3r\xf2\u0429a\xf2\u0fa6angle;\u69a6\u0100ci\u1dd2\u1dd5y;\u445fgrarr;\u67ff\u0900Dacdefglmnopqrstux\u1e01\u1e09\u1e19\u1e38\u0578\u1e3c\u1e49\u1e61\u1e7e\u1ea5\u1eaf\u1ebd\u1ee1\u1f2a\u1f37\u1f44\u1f4e\u1f5a\u0100Do\u1e06\u1d34o\xf4\u1c89\u0100cs\u1e0e\u1e14ute\u803b\xe9\u40e9ter;\u6a6e\u0200aioy\u1e22\u1e27\u1e31\u1e36ron;\u411br\u0100;c\u1e2d\u1e2e\u6256\u803b\xea\u40ealon;\u6255;\u444dot;\u4117\u0100Dr\u1e41\u1e45ot;\u6252;\uc000\ud835\udd22\u0180;rs\u1e50\u1e51\u1e57\u6a9aave\u803b\xe8\u40e8\u0100;d\u1e5c\u1e5d\u6a96ot;\u6a98\u0200;ils\u1e6a\u1e6b\u1e72\u1e74\u6a99nters;\u63e7;\u6113\u0100;d\u1e79\u1e7a\u6a95ot;\u6a97\u0180aps\u1e85\u1e89\u1e97cr;\u4113ty\u0180;sv\u1e92\u1e93\u1e95\u6205et\xbb\u1e93p\u01001;\u1e9d\u1ea4\u0133\u1ea1\u1ea3;\u6004;\u6005\u6003\u0100gs\u1eaa\u1eac;\u414bp;\u6002\u0100gp\u1eb4\u1eb8on;\u4119f;\uc000\ud835\udd56\u0180als\u1ec4\u1ece\u1ed2r\u0100;s\u1eca\u1ecb\u62d5l;\u69e3us;\u6a71i\u0180;lv\u1eda\u1edb\u1edf\u43b5on\xbb\u1edb;\u43f5\u0200csuv\u1eea\u1ef3\u1f0b\u1f23\u0100io\u1eef\u1e31rc\xbb\u1e2e\u0269\u1ef9\0\0\u1efb\xed\u0548ant\u0100gl\u1f02\u1f06tr\xbb\u1e5dess\xbb\u1e7a\u0180aei\u1f12\u1f16\u1f1als;\u403dst;\u625fv\u0100;D\u0235\u1f20D;\u6a78parsl;\u69e5\u0100Da\u1f2f\u1f33ot;\u6253rr;\u6971\u0180cdi\u1f3e\u1f41\u1ef8r;\u612fo\xf4\u0352\u0100ah\u1f49\u1f4b;\u43b7\u803b\xf0\u40f0\u0100mr\u1f53\u1f57l\u803b\xeb\u40ebo;\u60ac\u0180cip\u1f61\u1f64\u1f67l;\u4021s\xf4\u056e\u0100eo\u1f6c\u1f74ctatio\xee\u0559nential\xe5\u0579\u09e1\u1f92\0\u1f9e\0\u1fa1\u1fa7\0\0\u1fc6\u1fcc\0\u1fd3\0\u1fe6\u1fea\u2000\0\u2008\u205allingdotse\xf1\u1e44y;\u4444male;\u6640\u0180ilr\u1fad\u1fb3\u1fc1lig;\u8000\ufb03\u0269\u1fb9\0\0\u1fbdg;\u8000\ufb00ig;\u8000\ufb04;\uc000\ud835\udd23lig;\u8000\ufb01lig;\uc000fj\u0180alt\u1fd9\u1fdc\u1fe1t;\u666dig;\u8000\ufb02ns;\u65b1of;\u4192\u01f0\u1fee\0\u1ff3f;\uc000\ud835\udd57\u0100ak\u05bf\u1ff7\u0100;v\u1ffc\u1ffd\u62d4;\u6ad9artint;\u6a0d\u0100ao\u200c\u2055\u0100cs\u2011\u2052\u03b1\u201a\u2030\u2038\u2045\u2048\0\u2050\u03b2\u2022\u2025\u2027\u202a\u202c\0\u202e\u803b\xbd\u40bd;\u6153\u803b\xbc\u40bc;\u6155;\u6159;\u615b\u01b3\u2034\0\u2036;\u6154;\u6156\u02b4\u203e\u2041\0\0\u2043\u803b\xbe\u40be;\u6157;\u615c5;\u6158\u01b6\u204c\0\u204e;\u615a;\u615d8;\u615el;\u6044wn;\u6322cr;\uc000\ud835\udcbb\u0880Eabcdefgijlnorstv\u2082\u2089\u209f\u20a5\u20b0\u20b4\u20f0\u20f5\u20fa\u20ff\u2103\u2112\u2138\u0317\u213e\u2152\u219e\u0100;l\u064d\u2087;\u6a8c\u0180cmp\u2090\u2095\u209dute;\u41f5ma\u0100;d\u209c\u1cda\u43b3;\u6a86reve;\u411f\u0100iy\u20aa\u20aerc;\u411d;\u4433ot;\u4121\u0200;lqs\u063e\u0642\u20bd\u20c9\u0180;qs\u063e\u064c\u20c4lan\xf4\u0665\u0200;cdl\u0665\u20d2\u20d5\u20e5c;\u6aa9ot\u0100;o\u20dc\u20dd\u6a80\u0100;l\u20e2\u20e3\u6a82;\u6a84\u0100;e\u20ea\u20ed\uc000\u22db\ufe00s;\u6a94r;\uc000\ud835\udd24\u0100;g\u0673\u061bmel;\u6137cy;\u4453\u0200;Eaj\u065a\u210c\u210e\u2110;\u6a92;\u6aa5;\u6aa4\u0200Eaes\u211b\u211d\u2129\u2134;\u6269p\u0100;p\u2123\u2124\u6a8arox\xbb\u2124\u0100;q\u212e\u212f\u6a88\u0100;q\u212e\u211bim;\u62e7pf;\uc000\ud835\udd58\u0100ci\u2143\u2146r;\u610am\u0180;el\u066b\u214e\u2150;\u6a8e;\u6a90\u8300>;cdlqr\u05ee\u2160\u216a\u216e\u2173\u2179\u0100ci\u2165\u2167;\u6aa7r;\u6a7aot;\u62d7Par;\u6995uest;\u6a7c\u0280adels\u2184\u216a\u2190\u0656\u219b\u01f0\u2189\0\u218epro\xf8\u209er;\u6978q\u0100lq\u063f\u2196les\xf3\u2088i\xed\u066b\u0100en\u21a3\u21adrtneqq;\uc000\u2269\ufe00\xc5\u21aa\u0500Aabcefkosy\u21c4\u21c7\u21f1\u21f5\u21fa\u2218\u221d\u222f\u2268\u227dr\xf2\u03a0\u0200ilmr\u21d0\u21d4\u21d7\u21dbrs\xf0\u1484f\xbb\u2024il\xf4\u06a9\u0100dr\u21e0\u21e4cy;\u444a\u0180;cw\u08f4\u21eb\u21efir;\u6948;\u61adar;\u610firc;\u4125\u0180alr\u2201\u220e\u2213rts\u0100;u\u2209\u220a\u6665it\xbb\u220alip;\u6026con;\u62b9r;\uc000\ud835\udd25s\u0100ew\u2223\u2229arow;\u6925arow;\u6926\u0280amopr\u223a\u223e\u2243\u225e\u2263rr;\u61fftht;\u623bk\u0100lr\u2249\u2253eftarrow;\u61a9ightarrow;\u61aaf;\uc000\ud835\udd59bar;\u6015\u0180clt\u226f\u2274\u2278r;\uc000\ud835\udcbdas\xe8\u21f4rok;\u4127\u0100bp\u2282\u2287ull;\u6043hen\xbb\u1c5b\u0ae1\u22a3\0\u22aa\0\u22b8\u22c5\u22ce\0\u22d5\u22f3\0\0\u22f8\u2322\u2367\u2362\u237f\0\u2386\u23aa\u23b4cute\u803b\xed\u40ed\u0180;iy\u0771\u22b0\u22b5rc\u803b\xee\u40ee;\u4438\u0100cx\u22bc\u22bfy;\u4435cl\u803b\xa1\u40a1\u0100fr\u039f\u22c9;\uc000\ud835\udd26rave\u803b\xec\u40ec\u0200;ino\u073e\u22dd\u22e9\u22ee\u0100in\u22e2\u22e6nt;\u6a0ct;\u622dfin;\u69dcta;\u6129lig;\u4133\u0180aop\u22fe\u231a\u231d\u0180cgt\u2305\u2308\u2317r;\u412b\u0180elp\u071f\u230f\u2313in\xe5\u078ear\xf4\u0720h;\u4131f;\u62b7ed;\u41b5\u0280;cfot\u04f4\u232c\u2331\u233d\u2341are;\u6105in\u0100;t\u2338\u2339\u621eie;\u69dddo\xf4\u2319\u0280;celp\u0757\u234c\u2350\u235b\u2361al;\u62ba\u0100gr\u2355\u2359er\xf3\u1563\xe3\u234darhk;\u6a17rod;\u6a3c\u0200cgpt\u236f\u2372\u2376\u237by;\u4451on;\u412ff;\uc000\ud835\udd5aa;\u43b9uest\u803b\xbf\u40bf\u0100ci\u238a\u238fr;\uc000\ud835\udcben\u0280;Edsv\u04f4\u239b\u239d\u23a1\u04f3;\u62f9ot;\u62f5\u0100;v\u23a6\u23a7\u62f4;\u62f3\u0100;i\u0777\u23aelde;\u4129\u01eb\u23b8\0\u23bccy;\u4456l\u803b\xef\u40ef\u0300cfmosu\u23cc\u23d7\u23dc\u23e1\u23e7\u23f5\u0100iy\u23d1\u23d5rc;\u4135;\u4439r;\uc000\ud835\udd27ath;\u4237pf;\uc000\ud835\udd5b\u01e3\u23ec\0\u23f1r;\uc000\ud835\udcbfrcy;\u4458kcy;\u4454\u0400acfghjos\u240b\u2416\u2422\u2427\u242d\u2431\u2435\u243bppa\u0100;v\u2413\u2414\u43ba;\u43f0\u0100ey\u241b\u2420dil;\u4137;\u443ar;\uc000\ud835\udd28reen;\u4138cy;\u4445cy;\u445cpf;\uc000\ud835\udd5ccr;\uc000\ud835\udcc0\u0b80ABEHabcdefghjlmnoprstuv\u2470\u2481\u2486\u248d\u2491\u250e\u253d\u255a\u2580\u264e\u265e\u2665\u2679\u267d\u269a\u26b2\u26d8\u275d\u2768\u278b\u27c0\u2801\u2812\u0180art\u2477\u247a\u247cr\xf2\u09c6\xf2\u0395ail;\u691barr;\u690e\u0100;g\u0994\u248b;\u6a8bar;\u6962\u0963\u24a5\0\u24aa\0\u24b1\0\0\0\0\0\u24b5\u24ba\0\u24c6\u24c8\u24cd\0\u24f9ute;\u413amptyv;\u69b4ra\xee\u084cbda;\u43bbg\u0180;dl\u088e\u24c1\u24c3;\u6991\xe5\u088e;\u6a85uo\u803b\xab\u40abr\u0400;bfhlpst\u0899\u24de\u24e6\u24e9\u24eb\u24ee\u24f1\u24f5\u0100;f\u089d\u24e3s;\u691fs;\u691d\xeb\u2252p;\u61abl;\u6939im;\u6973l;\u61a2\u0180;ae\u24ff\u2500\u2504\u6aabil;\u6919\u0100;s\u2509\u250a\u6aad;\uc000\u2aad\ufe00\u0180abr\u2515\u2519\u251drr;\u690crk;\u6772\u0100ak\u2522\u252cc\u0100ek\u2528\u252a;\u407b;\u405b\u0100es\u2531\u2533;\u698bl\u0100du\u2539\u253b;\u698f;\u698d\u0200aeuy\u2546\u254b\u2556\u2558ron;\u413e\u0100di\u2550\u2554il;\u413c\xec\u08b0\xe2\u2529;\u443b\u0200cqrs\u2563\u2566\u256d\u257da;\u6936uo\u0100;r\u0e19\u1746\u0100du\u2572\u2577har;\u6967shar;\u694bh;\u61b2\u0280;fgqs\u258b\u258c\u0989\u25f3\u25ff\u6264t\u0280ahlrt\u2598\u25a4\u25b7\u25c2\u25e8rrow\u0100;t\u0899\u25a1a\xe9\u24f6arpoon\u0100du\u25af\u25b4own\xbb\u045ap\xbb\u0966eftarrows;\u61c7ight\u0180ahs\u25cd\u25d6\u25derrow\u0100;s\u08f4\u08a7arpoon\xf3\u0f98quigarro\xf7\u21f0hreetimes;\u62cb\u0180;qs\u258b\u0993\u25falan\xf4\u09ac\u0280;cdgs\u09ac\u260a\u260d\u261d\u2628c;\u6aa8ot\u0100;o\u2614\u2615\u6a7f\u0100;r\u261a\u261b\u6a81;\u6a83\u0100;e\u2622\u2625\uc000\u22da\ufe00s;\u6a93\u0280adegs\u2633\u2639\u263d\u2649\u264bppro\xf8\u24c6ot;\u62d6q\u0100gq\u2643\u2645\xf4\u0989gt\xf2\u248c\xf4\u099bi\xed\u09b2\u0180ilr\u2655\u08e1\u265asht;\u697c;\uc000\ud835\udd29\u0100;E\u099c\u2663;\u6a91\u0161\u2669\u2676r\u0100du\u25b2\u266e\u0100;l\u0965\u2673;\u696alk;\u6584cy;\u4459\u0280;acht\u0a48\u2688\u268b\u2691\u2696r\xf2\u25c1orne\xf2\u1d08ard;\u696bri;\u65fa\u0100io\u269f\u26a4dot;\u4140ust\u0100;a\u26ac\u26ad\u63b0che\xbb\u26ad\u0200Eaes\u26bb\u26bd\u26c9\u26d4;\u6268p\u0100;p\u26c3\u26c4\u6a89rox\xbb\u26c4\u0100;q\u26ce\u26cf\u6a87\u0100;q\u26ce\u26bbim;\u62e6\u0400abnoptwz\u26e9\u26f4\u26f7\u271a\u272f\u2741\u2747\u2750\u0100nr\u26ee\u26f1g;\u67ecr;\u61fdr\xeb\u08c1g\u0180lmr\u26ff\u270d\u2714eft\u0100ar\u09e6\u2707ight\xe1\u09f2apsto;\u67fcight\xe1\u09fdparrow\u0100lr\u2725\u2729ef\xf4\u24edight;\u61ac\u0180afl\u2736\u2739\u273dr;\u6985;\uc000\ud835\udd5dus;\u6a2dimes;\u6a34\u0161\u274b\u274fst;\u6217\xe1\u134e\u0180;ef\u2757\u2758\u1800\u65cange\xbb\u2758ar\u0100;l\u2764\u2765\u4028t;\u6993\u0280achmt\u2773\u2776\u277c\u2785\u2787r\xf2\u08a8orne\xf2\u1d8car\u0100;d\u0f98\u2783;\u696d;\u600eri;\u62bf\u0300achiqt\u2798\u279d\u0a40\u27a2\u27ae\u27bbquo;\u6039r;\uc000\ud835\udcc1m\u0180;eg\u09b2\u27aa\u27ac;\u6a8d;\u6a8f\u0100bu\u252a\u27b3o\u0100;r\u0e1f\u27b9;\u601arok;\u4142\u8400<;cdhilqr\u082b\u27d2\u2639\u27dc\u27e0\u27e5\u27ea\u27f0\u0100ci\u27d7\u27d9;\u6aa6r;\u6a79re\xe5\u25f2mes;\u62c9arr;\u6976uest;\u6a7b\u0100Pi\u27f5\u27f9ar;\u6996\u0180;ef\u2800\u092d\u181b\u65c3r\u0100du\u2807\u280dshar;\u694ahar;\u6966\u0100en\u2817\u2821rtneqq;\uc000\u2268\ufe00\xc5\u281e\u0700Dacdefhilnopsu\u2840\u2845\u2882\u288e\u2893\u28a0\u28a5\u28a8\u28da\u28e2\u28e4\u0a83\u28f3\u2902Dot;\u623a\u0200clpr\u284e\u2852\u2863\u287dr\u803b\xaf\u40af\u0100et\u2857\u2859;\u6642\u0100;e\u285e\u285f\u6720se\xbb\u285f\u0100;s\u103b\u2868to\u0200;dlu\u103b\u2873\u2877\u287bow\xee\u048cef\xf4\u090f\xf0\u13d1ker;\u65ae\u0100oy\u2887\u288cmma;\u6a29;\u443cash;\u6014asuredangle\xbb\u1626r;\uc000\ud835\udd2ao;\u6127\u0180cdn\u28af\u28b4\u28c9ro\u803b\xb5\u40b5\u0200;acd\u1464\u28bd\u28c0\u28c4s\xf4\u16a7ir;\u6af0ot\u80bb\xb7\u01b5us\u0180;bd\u28d2\u1903\u28d3\u6212\u0100;u\u1d3c\u28d8;\u6a2a\u0163\u28de\u28e1p;\u6adb\xf2\u2212\xf0\u0a81\u0100dp\u28e9\u28eeels;\u62a7f;\uc000\ud835\udd5e\u0100ct\u28f8\u28fdr;\uc000\ud835\udcc2pos\xbb\u159d\u0180;lm\u2909\u290a\u290d\u43bctimap;\u62b8\u0c00GLRVabcdefghijlmoprstuvw\u2942\u2953\u297e\u2989\u2998\u29da\u29e9\u2a15\u2a1a\u2a58\u2a5d\u2a83\u2a95\u2aa4\u2aa8\u2b04\u2b07\u2b44\u2b7f\u2bae\u2c34\u2c67\u2c7c\u2ce9\u0100gt\u2947\u294b;\uc000\u22d9\u0338\u0100;v\u2950\u0bcf\uc000\u226b\u20d2\u0180elt\u295a\u2972\u2976ft\u0100ar\u2961\u2967rrow;\u61cdightarrow;\u61ce;\uc000\u22d8\u0338\u0100;v\u297b\u0c47\uc000\u226a\u20d2ightarrow;\u61cf\u0100Dd\u298e\u2993ash;\u62afash;\u62ae\u0280bcnpt\u29a3\u29a7\u29ac\u29b1\u29ccla\xbb\u02deute;\u4144g;\uc000\u2220\u20d2\u0280;Eiop\u0d84\u29bc\u29c0\u29c5\u29c8;\uc000\u2a70\u0338d;\uc000\u224b\u0338s;\u4149ro\xf8\u0d84ur\u0100;a\u29d3\u29d4\u666el\u0100;s\u29d3\u0b38\u01f3\u29df\0\u29e3p\u80bb\xa0\u0b37mp\u0100;e\u0bf9\u0c00\u0280aeouy\u29f4\u29fe\u2a03\u2a10\u2a13\u01f0\u29f9\0\u29fb;\u6a43on;\u4148dil;\u4146ng\u0100;d\u0d7e\u2a0aot;\uc000\u2a6d\u0338p;\u6a42;\u443dash;\u6013\u0380;Aadqsx\u0b92\u2a29\u2a2d\u2a3b\u2a41\u2a45\u2a50rr;\u61d7r\u0100hr\u2a33\u2a36k;\u6924\u0100;o\u13f2\u13f0ot;\uc000\u2250\u0338ui\xf6\u0b63\u0100ei\u2a4a\u2a4ear;\u6928\xed\u0b98ist\u0100;s\u0ba0\u0b9fr;\uc000\ud835\udd2b\u0200Eest\u0bc5\u2a66\u2a79\u2a7c\u0180;qs\u0bbc\u2a6d\u0be1\u0180;qs\u0bbc\u0bc5\u2a74lan\xf4\u0be2i\xed\u0bea\u0100;r\u0bb6\u2a81\xbb\u0bb7\u0180Aap\u2a8a\u2a8d\u2a91r\xf2\u2971rr;\u61aear;\u6af2\u0180;sv\u0f8d\u2a9c\u0f8c\u0100;d\u2aa1\u2aa2\u62fc;\u62facy;\u445a\u0380AEadest\u2ab7\u2aba\u2abe\u2ac2\u2ac5\u2af6\u2af9r\xf2\u2966;\uc000\u2266\u0338rr;\u619ar;\u6025\u0200;fqs\u0c3b\u2ace\u2ae3\u2aeft\u0100ar\u2ad4\u2ad9rro\xf7\u2ac1ightarro\xf7\u2a90\u0180;qs\u0c3b\u2aba\u2aealan\xf4\u0c55\u0100;s\u0c55\u2af4\xbb\u0c36i\xed\u0c5d\u0100;r\u0c35\u2afei\u0100;e\u0c1a\u0c25i\xe4\u0d90\u0100pt\u2b0c\u2b11f;\uc000\ud835\udd5f\u8180\xac;in\u2b19\u2b1a\u2b36\u40acn\u0200;Edv\u0b89\u2b24\u2b28\u2b2e;\uc000\u22f9\u0338ot;\uc000\u22f5\u0338\u01e1\u0b89\u2b33\u2b35;\u62f7;\u62f6i\u0100;v\u0cb8\u2b3c\u01e1\u0cb8\u2b41\u2b43;\u62fe;\u62fd\u0180aor\u2b4b\u2b63\u2b69r\u0200;ast\u0b7b\u2b55\u2b5a\u2b5flle\xec\u0b7bl;\uc000\u2afd\u20e5;\uc000\u2202\u0338lint;\u6a14\u0180;ce\u0c92\u2b70\u2b73u\xe5\u0ca5\u0100;c\u0c98\u2b78\u0100;e\u0c92\u2b7d\xf1\u0c98\u0200Aait\u2b88\u2b8b\u2b9d\u2ba7r\xf2\u2988rr\u0180;cw\u2b94\u2b95\u2b99\u619b;\uc000\u2933\u0338;\uc000\u219d\u0338ghtarrow\xbb\u2b95ri\u0100;e\u0ccb\u0cd6\u0380chimpqu\u2bbd\u2bcd\u2bd9\u2b04\u0b78\u2be4\u2bef\u0200;cer\u0d32\u2bc6\u0d37\u2bc9u\xe5\u0d45;\uc000\ud835\udcc3ort\u026d\u2b05\0\0\u2bd6ar\xe1\u2b56m\u0100;e\u0d6e\u2bdf\u0100;q\u0d74\u0d73su\u0100bp\u2beb\u2bed\xe5\u0cf8\xe5\u0d0b\u0180bcp\u2bf6\u2c11\u2c19\u0200;Ees\u2bff\u2c00\u0d22\u2c04\u6284;\uc000\u2ac5\u0338et\u0100;e\u0d1b\u2c0bq\u0100;q\u0d23\u2c00c\u0100;e\u0d32\u2c17\xf1\u0d38\u0200;Ees\u2c22\u2c23\u0d5f\u2c27\u6285;\uc000\u2ac6\u0338et\u0100;e\u0d58\u2c2eq\u0100;q\u0d60\u2c23\u0200gilr\u2c3d\u2c3f\u2c45\u2c47\xec\u0bd7lde\u803b\xf1\u40f1\xe7\u0c43iangle\u0100lr\u2c52\u2c5ceft\u0100;e\u0c1a\u2c5a\xf1\u0c26ight\u0100;e\u0ccb\u2c65\xf1\u0cd7\u0100;m\u2c6c\u2c6d\u43bd\u0180;es\u2c74\u2c75\u2c79\u4023ro;\u6116p;\u6007\u0480DHadgilrs\u2c8f\u2c94\u2c99\u2c9e\u2ca3\u2cb0\u2cb6\u2cd3\u2ce3ash;\u62adarr;\u6904p;\uc000\u224d\u20d2ash;\u62ac\u0100et\u2ca8\u2cac;\uc000\u2265\u20d2;\uc000>\u20d2nfin;\u69de\u0180Aet\u2cbd\u2cc1\u2cc5rr;\u6902;\uc000\u2264\u20d2\u0100;r\u2cca\u2ccd\uc000<\u20d2ie;\uc000\u22b4\u20d2\u0100At\u2cd8\u2cdcrr;\u6903rie;\uc000\u22b5\u20d2im;\uc000\u223c\u20d2\u0180Aan\u2cf0\u2cf4\u2d02rr;\u61d6r\u0100hr\u2cfa\u2cfdk;\u6923\u0100;o\u13e7\u13e5ear;\u6927\u1253\u1a95\0\0\0\0\0\0\0\0\0\0\0\0\0\u2d2d\0\u2d38\u2d48\u2d60\u2d65\u2d72\u2d84\u1b07\0\0\u2d8d\u2dab\0\u2dc8\u2dce\0\u2ddc\u2e19\u2e2b\u2e3e\u2e43\u0100cs\u2d31\u1a97ute\u803b\xf3\u40f3\u0100iy\u2d3c\u2d45r\u0100;c\u1a9e\u2d42\u803b\xf4\u40f4;\u443e\u0280abios\u1aa0\u2d52\u2d57\u01c8\u2d5alac;\u4151v;\u6a38old;\u69bclig;\u4153\u0100cr\u2d69\u2d6dir;\u69bf;\uc000\ud835\udd2c\u036f\u2d79\0\0\u2d7c\0\u2d82n;\u42dbave\u803b\xf2\u40f2;\u69c1\u0100bm\u2d88\u0df4ar;\u69b5\u0200acit\u2d95\u2d98\u2da5\u2da8r\xf2\u1a80\u0100ir\u2d9d\u2da0r;\u69beoss;\u69bbn\xe5\u0e52;\u69c0\u0180aei\u2db1\u2db5\u2db9cr;\u414dga;\u43c9\u0180cdn\u2dc0\u2dc5\u01cdron;\u43bf;\u69b6pf;\uc000\ud835\udd60\u0180ael\u2dd4\u2dd7\u01d2r;\u69b7rp;\u69b9\u0380;adiosv\u2dea\u2deb\u2dee\u2e08\u2e0d\u2e10\u2e16\u6228r\xf2\u1a86\u0200;efm\u2df7\u2df8\u2e02\u2e05\u6a5dr\u0100;o\u2dfe\u2dff\u6134f\xbb\u2dff\u803b\xaa\u40aa\u803b\xba\u40bagof;\u62b6r;\u6a56lope;\u6a57;\u6a5b\u0180clo\u2e1f\u2e21\u2e27\xf2\u2e01ash\u803b\xf8\u40f8l;\u6298i\u016c\u2e2f\u2e34de\u803b\xf5\u40f5es\u0100;a\u01db\u2e3as;\u6a36ml\u803b\xf6\u40f6bar;\u633d\u0ae1\u2e5e\0\u2e7d\0\u2e80\u2e9d\0\u2ea2\u2eb9\0\0\u2ecb\u0e9c\0\u2f13\0\0\u2f2b\u2fbc\0\u2fc8r\u0200;ast\u0403\u2e67\u2e72\u0e85\u8100\xb6;l\u2e6d\u2e6e\u40b6le\xec\u0403\u0269\u2e78\0\0\u2e7bm;\u6af3;\u6afdy;\u443fr\u0280cimpt\u2e8b\u2e8f\u2e93\u1865\u2e97nt;\u4025od;\u402eil;\u6030enk;\u6031r;\uc000\ud835\udd2d\u0180imo\u2ea8\u2eb0\u2eb4\u0100;v\u2ead\u2eae\u43c6;\u43d5ma\xf4\u0a76ne;\u660e\u0180;tv\u2ebf\u2ec0\u2ec8\u43c0chfork\xbb\u1ffd;\u43d6\u0100au\u2ecf\u2edfn\u0100ck\u2ed5\u2eddk\u0100;h\u21f4\u2edb;\u610e\xf6\u21f4s\u0480;abcdemst\u2ef3\u2ef4\u1908\u2ef9\u2efd\u2f04\u2f06\u2f0a\u2f0e\u402bcir;\u6a23ir;\u6a22\u0100ou\u1d40\u2f02;\u6a25;\u6a72n\u80bb\xb1\u0e9dim;\u6a26wo;\u6a27\u0180ipu\u2f19\u2f20\u2f25ntint;\u6a15f;\uc000\ud835\udd61nd\u803b\xa3\u40a3\u0500;Eaceinosu\u0ec8\u2f3f\u2f41\u2f44\u2f47\u2f81\u2f89\u2f92\u2f7e\u2fb6;\u6ab3p;\u6ab7u\xe5\u0ed9\u0100;c\u0ece\u2f4c\u0300;acens\u0ec8\u2f59\u2f5f\u2f66\u2f68\u2f7eppro\xf8\u2f43urlye\xf1\u0ed9\xf1\u0ece\u0180aes\u2f6f\u2f76\u2f7approx;\u6ab9qq;\u6ab5im;\u62e8i\xed\u0edfme\u0100;s\u2f88\u0eae\u6032\u0180Eas\u2f78\u2f90\u2f7a\xf0\u2f75\u0180dfp\u0eec\u2f99\u2faf\u0180als\u2fa0\u2fa5\u2faalar;\u632eine;\u6312urf;\u6313\u0100;t\u0efb\u2fb4\xef\u0efbrel;\u62b0\u0100ci\u2fc0\u2fc5r;\uc000\ud835\udcc5;\u43c8ncsp;\u6008\u0300fiopsu\u2fda\u22e2\u2fdf\u2fe5\u2feb\u2ff1r;\uc000\ud835\udd2epf;\uc000\ud835\udd62rime;\u6057cr;\uc000\ud835\udcc6\u0180aeo\u2ff8\u3009\u3013t\u0100ei\u2ffe\u3005rnion\xf3\u06b0nt;\u6a16st\u0100;e\u3010\u3011\u403f\xf1\u1f19\xf4\u0f14\u0a80ABHabcdefhilmnoprstux\u3040\u3051\u3055\u3059\u30e0\u310e\u312b\u3147\u3162\u3172\u318e\u3206\u3215\u3224\u3229\u3258\u326e\u3272\u3290\u32b0\u32b7\u0180art\u3047\u304a\u304cr\xf2\u10b3\xf2\u03ddail;\u691car\xf2\u1c65ar;\u6964\u0380cdenqrt\u3068\u3075\u3078\u307f\u308f\u3094\u30cc\u0100eu\u306d\u3071;\uc000\u223d\u0331te;\u4155i\xe3\u116emptyv;\u69b3g\u0200;del\u0fd1\u3089\u308b\u308d;\u6992;\u69a5\xe5\u0fd1uo\u803b\xbb\u40bbr\u0580;abcfhlpstw\u0fdc\u30ac\u30af\u30b7\u30b9\u30bc\u30be\u30c0\u30c3\u30c7\u30cap;\u6975\u0100;f\u0fe0\u30b4s;\u6920;\u6933s;\u691e\xeb\u225d\xf0\u272el;\u6945im;\u6974l;\u61a3;\u619d\u0100ai\u30d1\u30d5il;\u691ao\u0100;n\u30db\u30dc\u6236al\xf3\u0f1e\u0180abr\u30e7\u30ea\u30eer\xf2\u17e5rk;\u6773\u0100ak\u30f3\u30fdc\u0100ek\u30f9\u30fb;\u407d;\u405d\u0100es\u3102\u3104;\u698cl\u0100du\u310a\u310c;\u698e;\u6990\u0200aeuy\u3117\u311c\u3127\u3129ron;\u4159\u0100di\u3121\u3125il;\u4157\xec\u0ff2\xe2\u30fa;\u4440\u0200clqs\u3134\u3137\u313d\u3144a;\u6937dhar;\u6969uo\u0100;r\u020e\u020dh;\u61b3\u0180acg\u314e\u315f\u0f44l\u0200;ips\u0f78\u3158\u315b\u109cn\xe5\u10bbar\xf4\u0fa9t;\u65ad\u0180ilr\u3169\u1023\u316esht;\u697d;\uc000\ud835\udd2f\u0100ao\u3177\u3186r\u0100du\u317d\u317f\xbb\u047b\u0100;l\u1091\u3184;\u696c\u0100;v\u318b\u318c\u43c1;\u43f1\u0180gns\u3195\u31f9\u31fcht\u0300ahlrst\u31a4\u31b0\u31c2\u31d8\u31e4\u31eerrow\u0100;t\u0fdc\u31ada\xe9\u30c8arpoon\u0100du\u31bb\u31bfow\xee\u317ep\xbb\u1092eft\u0100ah\u31ca\u31d0rrow\xf3\u0feaarpoon\xf3\u0551ightarrows;\u61c9quigarro\xf7\u30cbhreetimes;\u62ccg;\u42daingdotse\xf1\u1f32\u0180ahm\u320d\u3210\u3213r\xf2\u0feaa\xf2\u0551;\u600foust\u0100;a\u321e\u321f\u63b1che\xbb\u321fmid;\u6aee\u0200abpt\u3232\u323d\u3240\u3252\u0100nr\u3237\u323ag;\u67edr;\u61fer\xeb\u1003\u0180afl\u3247\u324a\u324er;\u6986;\uc000\ud835\udd63us;\u6a2eimes;\u6a35\u0100ap\u325d\u3267r\u0100;g\u3263\u3264\u4029t;\u6994olint;\u6a12ar\xf2\u31e3\u0200achq\u327b\u3280\u10bc\u3285quo;\u603ar;\uc000\ud835\udcc7\u0100bu\u30fb\u328ao\u0100;r\u0214\u0213\u0180hir\u3297\u329b\u32a0re\xe5\u31f8mes;\u62cai\u0200;efl\u32aa\u1059\u1821\u32ab\u65b9tri;\u69celuhar;\u6968;\u611e\u0d61\u32d5\u32db\u32df\u332c\u3338\u3371\0\u337a\u33a4\0\0\u33ec\u33f0\0\u3428\u3448\u345a\u34ad\u34b1\u34ca\u34f1\0\u3616\0\0\u3633cute;\u415bqu\xef\u27ba\u0500;Eaceinpsy\u11ed\u32f3\u32f5\u32ff\u3302\u330b\u330f\u331f\u3326\u3329;\u6ab4\u01f0\u32fa\0\u32fc;\u6ab8on;\u4161u\xe5\u11fe\u0100;d\u11f3\u3307il;\u415frc;\u415d\u0180Eas\u3316\u3318\u331b;\u6ab6p;\u6abaim;\u62e9olint;\u6a13i\xed\u1204;\u4441ot\u0180;be\u3334\u1d47\u3335\u62c5;\u6a66\u0380Aacmstx\u3346\u334a\u3357\u335b\u335e\u3363\u336drr;\u61d8r\u0100hr\u3350\u3352\xeb\u2228\u0100;o\u0a36\u0a34t\u803b\xa7\u40a7i;\u403bwar;\u6929m\u0100in\u3369\xf0nu\xf3\xf1t;\u6736r\u0100;o\u3376\u2055\uc000\ud835\udd30\u0200acoy\u3382\u3386\u3391\u33a0rp;\u666f\u0100hy\u338b\u338fcy;\u4449;\u4448rt\u026d\u3399\0\0\u339ci\xe4\u1464ara\xec\u2e6f\u803b\xad\u40ad\u0100gm\u33a8\u33b4ma\u0180;fv\u33b1\u33b2\u33b2\u43c3;\u43c2\u0400;deglnpr\u12ab\u33c5\u33c9\u33ce\u33d6\u33de\u33e1\u33e6ot;\u6a6a\u0100;q\u12b1\u12b0\u0100;E\u33d3\u33d4\u6a9e;\u6aa0\u0100;E\u33db\u33dc\u6a9d;\u6a9fe;\u6246lus;\u6a24arr;\u6972ar\xf2\u113d\u0200aeit\u33f8\u3408\u340f\u3417\u0100ls\u33fd\u3404lsetm\xe9\u336ahp;\u6a33parsl;\u69e4\u0100dl\u1463\u3414e;\u6323\u0100;e\u341c\u341d\u6aaa\u0100;s\u3422\u3423\u6aac;\uc000\u2aac\ufe00\u0180flp\u342e\u3433\u3442tcy;\u444c\u0100;b\u3438\u3439\u402f\u0100;a\u343e\u343f\u69c4r;\u633ff;\uc000\ud835\udd64a\u0100dr\u344d\u0402es\u0100;u\u3454\u3455\u6660it\xbb\u3455\u0180csu\u3460\u3479\u349f\u0100au\u3465\u346fp\u0100;s\u1188\u346b;\uc000\u2293\ufe00p\u0100;s\u11b4\u3475;\uc000\u2294\ufe00u\u0100bp\u347f\u348f\u0180;es\u1197\u119c\u3486et\u0100;e\u1197\u348d\xf1\u119d\u0180;es\u11a8\u11ad\u3496et\u0100;e\u11a8\u349d\xf1\u11ae\u0180;af\u117b\u34a6\u05b0r\u0165\u34ab\u05b1\xbb\u117car\xf2\u1148\u0200cemt\u34b9\u34be\u34c2\u34c5r;\uc000\ud835\udcc8tm\xee\xf1i\xec\u3415ar\xe6\u11be\u0100ar\u34ce\u34d5r\u0100;f\u34d4\u17bf\u6606\u0100an\u34da\u34edight\u0100ep\u34e3\u34eapsilo\xee\u1ee0h\xe9\u2eafs\xbb\u2852\u0280bcmnp\u34fb\u355e\u1209\u358b\u358e\u0480;Edemnprs\u350e\u350f\u3511\u3515\u351e\u3523\u352c\u3531\u3536\u6282;\u6ac5ot;\u6abd\u0100;d\u11da\u351aot;\u6ac3ult;\u6ac1\u0100Ee\u3528\u352a;\u6acb;\u628alus;\u6abfarr;\u6979\u0180eiu\u353d\u3552\u3555t\u0180;en\u350e\u3545\u354bq\u0100;q\u11da\u350feq\u0100;q\u352b\u3528m;\u6ac7\u0100bp\u355a\u355c;\u6ad5;\u6ad3c\u0300;acens\u11ed\u356c\u3572\u3579\u357b\u3326ppro\xf8\u32faurlye\xf1\u11fe\xf1\u11f3\u0180aes\u3582\u3588\u331bppro\xf8\u331aq\xf1\u3317g;\u666a\u0680123;Edehlmnps\u35a9\u35ac\u35af\u121c\u35b2\u35b4\u35c0\u35c9\u35d5\u35da\u35df\u35e8\u35ed\u803b\xb9\u40b9\u803b\xb2\u40b2\u803b\xb3\u40b3;\u6ac6\u0100os\u35b9\u35bct;\u6abeub;\u6ad8\u0100;d\u1222\u35c5ot;\u6ac4s\u0100ou\u35cf\u35d2l;\u67c9b;\u6ad7arr;\u697bult;\u6ac2\u0100Ee\u35e4\u35e6;\u6acc;\u628blus;\u6ac0\u0180eiu\u35f4\u3609\u360ct\u0180;en\u121c\u35fc\u3602q\u0100;q\u1222\u35b2eq\u0100;q\u35e7\u35e4m;\u6ac8\u0100bp\u3611\u3613;\u6ad4;\u6ad6\u0180Aan\u361c\u3620\u362drr;\u61d9r\u0100hr\u3626\u3628\xeb\u222e\u0100;o\u0a2b\u0a29war;\u692alig\u803b\xdf\u40df\u0be1\u3651\u365d\u3660\u12ce\u3673\u3679\0\u367e\u36c2\0\0\0\0\0\u36db\u3703\0\u3709\u376c\0\0\0\u3787\u0272\u3656\0\0\u365bget;\u6316;\u43c4r\xeb\u0e5f\u0180aey\u3666\u366b\u3670ron;\u4165dil;\u4163;\u4442lrec;\u6315r;\uc000\ud835\udd31\u0200eiko\u3686\u369d\u36b5\u36bc\u01f2\u368b\0\u3691e\u01004f\u1284\u1281a\u0180;sv\u3698\u3699\u369b\u43b8ym;\u43d1\u0100cn\u36a2\u36b2k\u0100as\u36a8\u36aeppro\xf8\u12c1im\xbb\u12acs\xf0\u129e\u0100as\u36ba\u36ae\xf0\u12c1rn\u803b\xfe\u40fe\u01ec\u031f\u36c6\u22e7es\u8180\xd7;bd\u36cf\u36d0\u36d8\u40d7\u0100;a\u190f\u36d5r;\u6a31;\u6a30\u0180eps\u36e1\u36e3\u3700\xe1\u2a4d\u0200;bcf\u0486\u36ec\u36f0\u36f4ot;\u6336ir;\u6af1\u0100;o\u36f9\u36fc\uc000\ud835\udd65rk;\u6ada\xe1\u3362rime;\u6034\u0180aip\u370f\u3712\u3764d\xe5\u1248\u0380adempst\u3721\u374d\u3740\u3751\u3757\u375c\u375fngle\u0280;dlqr\u3730\u3731\u3736\u3740\u3742\u65b5own\xbb\u1dbbeft\u0100;e\u2800\u373e\xf1\u092e;\u625cight\u0100;e\u32aa\u374b\xf1\u105aot;\u65ecinus;\u6a3alus;\u6a39b;\u69cdime;\u6a3bezium;\u63e2\u0180cht\u3772\u377d\u3781\u0100ry\u3777\u377b;\uc000\ud835\udcc9;\u4446cy;\u445brok;\u4167\u0100io\u378b\u378ex\xf4\u1777head\u0100lr\u3797\u37a0eftarro\xf7\u084fightarrow\xbb\u0f5d\u0900AHabcdfghlmoprstuw\u37d0\u37d3\u37d7\u37e4\u37f0\u37fc\u380e\u381c\u3823\u3834\u3851\u385d\u386b\u38a9\u38cc\u38d2\u38ea\u38f6r\xf2\u03edar;\u6963\u0100cr\u37dc\u37e2ute\u803b\xfa\u40fa\xf2\u1150r\u01e3\u37ea\0\u37edy;\u445eve;\u416d\u0100iy\u37f5\u37farc\u803b\xfb\u40fb;\u4443\u0180abh\u3803\u3806\u380br\xf2\u13adlac;\u4171a\xf2\u13c3\u0100ir\u3813\u3818sht;\u697e;\uc000\ud835\udd32rave\u803b\xf9\u40f9\u0161\u3827\u3831r\u0100lr\u382c\u382e\xbb\u0957\xbb\u1083lk;\u6580\u0100ct\u3839\u384d\u026f\u383f\0\0\u384arn\u0100;e\u3845\u3846\u631cr\xbb\u3846op;\u630fri;\u65f8\u0100al\u3856\u385acr;\u416b\u80bb\xa8\u0349\u0100gp\u3862\u3866on;\u4173f;\uc000\ud835\udd66\u0300adhlsu\u114b\u3878\u387d\u1372\u3891\u38a0own\xe1\u13b3arpoon\u0100lr\u3888\u388cef\xf4\u382digh\xf4\u382fi\u0180;hl\u3899\u389a\u389c\u43c5\xbb\u13faon\xbb\u389aparrows;\u61c8\u0180cit\u38b0\u38c4\u38c8\u026f\u38b6\0\0\u38c1rn\u0100;e\u38bc\u38bd\u631dr\xbb\u38bdop;\u630eng;\u416fri;\u65f9cr;\uc000\ud835\udcca\u0180dir\u38d9\u38dd\u38e2ot;\u62f0lde;\u4169i\u0100;f\u3730\u38e8\xbb\u1813\u0100am\u38ef\u38f2r\xf2\u38a8l\u803b\xfc\u40fcangle;\u69a7\u0780ABDacdeflnoprsz\u391c\u391f\u3929\u392d\u39b5\u39b8\u39bd\u39df\u39e4\u39e8\u39f3\u39f9\u39fd\u3a01\u3a20r\xf2\u03f7ar\u0100;v\u3926\u3927\u6ae8;\u6ae9as\xe8\u03e1\u0100nr\u3932\u3937grt;\u699c\u0380eknprst\u34e3\u3946\u394b\u3952\u395d\u3964\u3996app\xe1\u2415othin\xe7\u1e96\u0180hir\u34eb\u2ec8\u3959op\xf4\u2fb5\u0100;h\u13b7\u3962\xef\u318d\u0100iu\u3969\u396dgm\xe1\u33b3\u0100bp\u3972\u3984setneq\u0100;q\u397d\u3980\uc000\u228a\ufe00;\uc000\u2acb\ufe00setneq\u0100;q\u398f\u3992\uc000\u228b\ufe00;\uc000\u2acc\ufe00\u0100hr\u399b\u399fet\xe1\u369ciangle\u0100lr\u39aa\u39afeft\xbb\u0925ight\xbb\u1051y;\u4432ash\xbb\u1036\u0180elr\u39c4\u39d2\u39d7\u0180;be\u2dea\u39cb\u39cfar;\u62bbq;\u625alip;\u62ee\u0100bt\u39dc\u1468a\xf2\u1469r;\uc000\ud835\udd33tr\xe9\u39aesu\u0100bp\u39ef\u39f1\xbb\u0d1c\xbb\u0d59pf;\uc000\ud835\udd67ro\xf0\u0efbtr\xe9\u39b4\u0100cu\u3a06\u3a0br;\uc000\ud835\udccb\u0100bp\u3a10\u3a18n\u0100Ee\u3980\u3a16\xbb\u397en\u0100Ee\u3992\u3a1e\xbb\u3990igzag;\u699a\u0380cefoprs\u3a36\u3a3b\u3a56\u3a5b\u3a54\u3a61\u3a6airc;\u4175\u0100di\u3a40\u3a51\u0100bg\u3a45\u3a49ar;\u6a5fe\u0100;q\u15fa\u3a4f;\u6259erp;\u6118r;\uc000\ud835\udd34pf;\uc000\ud835\udd68\u0100;e\u1479\u3a66at\xe8\u1479cr;\uc000\ud835\udccc\u0ae3\u178e\u3a87\0\u3a8b\0\u3a90\u3a9b\0\0\u3a9d\u3aa8\u3aab\u3aaf\0\0\u3ac3\u3ace\0\u3ad8\u17dc\u17dftr\xe9\u17d1r;\uc000\ud835\udd35\u0100Aa\u3a94\u3a97r\xf2\u03c3r\xf2\u09f6;\u43be\u0100Aa\u3aa1\u3aa4r\xf2\u03b8r\xf2\u09eba\xf0\u2713is;\u62fb\u0180dpt\u17a4\u3ab5\u3abe\u0100fl\u3aba\u17a9;\uc000\ud835\udd69im\xe5\u17b2\u0100Aa\u3ac7\u3acar\xf2\u03cer\xf2\u0a01\u0100cq\u3ad2\u17b8r;\uc000\ud835\udccd\u0100pt\u17d6\u3adcr\xe9\u17d4\u0400acefiosu\u3af0\u3afd\u3b08\u3b0c\u3b11\u3b15\u3b1b\u3b21c\u0100uy\u3af6\u3afbte\u803b\xfd\u40fd;\u444f\u0100iy\u3b02\u3b06rc;\u4177;\u444bn\u803b\xa5\u40a5r;\uc000\ud835\udd36cy;\u4457pf;\uc000\ud835\udd6acr;\uc000\ud835\udcce\u0100cm\u3b26\u3b29y;\u444el\u803b\xff\u40ff\u0500acdefhiosw\u3b42\u3b48\u3b54\u3b58\u3b64\u3b69\u3b6d\u3b74\u3b7a\u3b80cute;\u417a\u0100ay\u3b4d\u3b52ron;\u417e;\u4437ot;\u417c\u0100et\u3b5d\u3b61tr\xe6\u155fa;\u43b6r;\uc000\ud835\udd37cy;\u4436grarr;\u61ddpf;\uc000\ud835\udd6bcr;\uc000\ud835\udccf\u0100jn\u3b85\u3b87;\u600dj;\u600c"
    .split("")
    .map((c) => c.charCodeAt(0))));
//# sourceMappingURL=decode-data-html.js.map
;// CONCATENATED MODULE: ./node_modules/dom-serializer/node_modules/entities/lib/esm/generated/decode-data-xml.js
// Generated using scripts/write-decode-map.ts
/* harmony default export */ const decode_data_xml = (new Uint16Array(
// prettier-ignore
"\u0200aglq\t\x15\x18\x1b\u026d\x0f\0\0\x12p;\u4026os;\u4027t;\u403et;\u403cuot;\u4022"
    .split("")
    .map((c) => c.charCodeAt(0))));
//# sourceMappingURL=decode-data-xml.js.map
;// CONCATENATED MODULE: ./node_modules/dom-serializer/node_modules/entities/lib/esm/decode_codepoint.js
// Adapted from https://github.com/mathiasbynens/he/blob/36afe179392226cf1b6ccdb16ebbb7a5a844d93a/src/he.js#L106-L134
var decode_codepoint_a;
const decode_codepoint_decodeMap = new Map([
    [0, 65533],
    // C1 Unicode control character reference replacements
    [128, 8364],
    [130, 8218],
    [131, 402],
    [132, 8222],
    [133, 8230],
    [134, 8224],
    [135, 8225],
    [136, 710],
    [137, 8240],
    [138, 352],
    [139, 8249],
    [140, 338],
    [142, 381],
    [145, 8216],
    [146, 8217],
    [147, 8220],
    [148, 8221],
    [149, 8226],
    [150, 8211],
    [151, 8212],
    [152, 732],
    [153, 8482],
    [154, 353],
    [155, 8250],
    [156, 339],
    [158, 382],
    [159, 376],
]);
/**
 * Polyfill for `String.fromCodePoint`. It is used to create a string from a Unicode code point.
 */
const esm_decode_codepoint_fromCodePoint = 
// eslint-disable-next-line @typescript-eslint/no-unnecessary-condition, node/no-unsupported-features/es-builtins
(decode_codepoint_a = String.fromCodePoint) !== null && decode_codepoint_a !== void 0 ? decode_codepoint_a : function (codePoint) {
    let output = "";
    if (codePoint > 0xffff) {
        codePoint -= 0x10000;
        output += String.fromCharCode(((codePoint >>> 10) & 0x3ff) | 0xd800);
        codePoint = 0xdc00 | (codePoint & 0x3ff);
    }
    output += String.fromCharCode(codePoint);
    return output;
};
/**
 * Replace the given code point with a replacement character if it is a
 * surrogate or is outside the valid range. Otherwise return the code
 * point unchanged.
 */
function decode_codepoint_replaceCodePoint(codePoint) {
    var _a;
    if ((codePoint >= 0xd800 && codePoint <= 0xdfff) || codePoint > 0x10ffff) {
        return 0xfffd;
    }
    return (_a = decode_codepoint_decodeMap.get(codePoint)) !== null && _a !== void 0 ? _a : codePoint;
}
/**
 * Replace the code point if relevant, then convert it to a string.
 *
 * @deprecated Use `fromCodePoint(replaceCodePoint(codePoint))` instead.
 * @param codePoint The code point to decode.
 * @returns The decoded code point.
 */
function decode_codepoint_decodeCodePoint(codePoint) {
    return esm_decode_codepoint_fromCodePoint(decode_codepoint_replaceCodePoint(codePoint));
}
//# sourceMappingURL=decode_codepoint.js.map
;// CONCATENATED MODULE: ./node_modules/dom-serializer/node_modules/entities/lib/esm/decode.js



// Re-export for use by eg. htmlparser2


var decode_CharCodes;
(function (CharCodes) {
    CharCodes[CharCodes["NUM"] = 35] = "NUM";
    CharCodes[CharCodes["SEMI"] = 59] = "SEMI";
    CharCodes[CharCodes["EQUALS"] = 61] = "EQUALS";
    CharCodes[CharCodes["ZERO"] = 48] = "ZERO";
    CharCodes[CharCodes["NINE"] = 57] = "NINE";
    CharCodes[CharCodes["LOWER_A"] = 97] = "LOWER_A";
    CharCodes[CharCodes["LOWER_F"] = 102] = "LOWER_F";
    CharCodes[CharCodes["LOWER_X"] = 120] = "LOWER_X";
    CharCodes[CharCodes["LOWER_Z"] = 122] = "LOWER_Z";
    CharCodes[CharCodes["UPPER_A"] = 65] = "UPPER_A";
    CharCodes[CharCodes["UPPER_F"] = 70] = "UPPER_F";
    CharCodes[CharCodes["UPPER_Z"] = 90] = "UPPER_Z";
})(decode_CharCodes || (decode_CharCodes = {}));
/** Bit that needs to be set to convert an upper case ASCII character to lower case */
const decode_TO_LOWER_BIT = 0b100000;
var decode_BinTrieFlags;
(function (BinTrieFlags) {
    BinTrieFlags[BinTrieFlags["VALUE_LENGTH"] = 49152] = "VALUE_LENGTH";
    BinTrieFlags[BinTrieFlags["BRANCH_LENGTH"] = 16256] = "BRANCH_LENGTH";
    BinTrieFlags[BinTrieFlags["JUMP_TABLE"] = 127] = "JUMP_TABLE";
})(decode_BinTrieFlags || (decode_BinTrieFlags = {}));
function decode_isNumber(code) {
    return code >= decode_CharCodes.ZERO && code <= decode_CharCodes.NINE;
}
function decode_isHexadecimalCharacter(code) {
    return ((code >= decode_CharCodes.UPPER_A && code <= decode_CharCodes.UPPER_F) ||
        (code >= decode_CharCodes.LOWER_A && code <= decode_CharCodes.LOWER_F));
}
function decode_isAsciiAlphaNumeric(code) {
    return ((code >= decode_CharCodes.UPPER_A && code <= decode_CharCodes.UPPER_Z) ||
        (code >= decode_CharCodes.LOWER_A && code <= decode_CharCodes.LOWER_Z) ||
        decode_isNumber(code));
}
/**
 * Checks if the given character is a valid end character for an entity in an attribute.
 *
 * Attribute values that aren't terminated properly aren't parsed, and shouldn't lead to a parser error.
 * See the example in https://html.spec.whatwg.org/multipage/parsing.html#named-character-reference-state
 */
function decode_isEntityInAttributeInvalidEnd(code) {
    return code === decode_CharCodes.EQUALS || decode_isAsciiAlphaNumeric(code);
}
var decode_EntityDecoderState;
(function (EntityDecoderState) {
    EntityDecoderState[EntityDecoderState["EntityStart"] = 0] = "EntityStart";
    EntityDecoderState[EntityDecoderState["NumericStart"] = 1] = "NumericStart";
    EntityDecoderState[EntityDecoderState["NumericDecimal"] = 2] = "NumericDecimal";
    EntityDecoderState[EntityDecoderState["NumericHex"] = 3] = "NumericHex";
    EntityDecoderState[EntityDecoderState["NamedEntity"] = 4] = "NamedEntity";
})(decode_EntityDecoderState || (decode_EntityDecoderState = {}));
var esm_decode_DecodingMode;
(function (DecodingMode) {
    /** Entities in text nodes that can end with any character. */
    DecodingMode[DecodingMode["Legacy"] = 0] = "Legacy";
    /** Only allow entities terminated with a semicolon. */
    DecodingMode[DecodingMode["Strict"] = 1] = "Strict";
    /** Entities in attributes have limitations on ending characters. */
    DecodingMode[DecodingMode["Attribute"] = 2] = "Attribute";
})(esm_decode_DecodingMode || (esm_decode_DecodingMode = {}));
/**
 * Token decoder with support of writing partial entities.
 */
class decode_EntityDecoder {
    constructor(
    /** The tree used to decode entities. */
    decodeTree, 
    /**
     * The function that is called when a codepoint is decoded.
     *
     * For multi-byte named entities, this will be called multiple times,
     * with the second codepoint, and the same `consumed` value.
     *
     * @param codepoint The decoded codepoint.
     * @param consumed The number of bytes consumed by the decoder.
     */
    emitCodePoint, 
    /** An object that is used to produce errors. */
    errors) {
        this.decodeTree = decodeTree;
        this.emitCodePoint = emitCodePoint;
        this.errors = errors;
        /** The current state of the decoder. */
        this.state = decode_EntityDecoderState.EntityStart;
        /** Characters that were consumed while parsing an entity. */
        this.consumed = 1;
        /**
         * The result of the entity.
         *
         * Either the result index of a numeric entity, or the codepoint of a
         * numeric entity.
         */
        this.result = 0;
        /** The current index in the decode tree. */
        this.treeIndex = 0;
        /** The number of characters that were consumed in excess. */
        this.excess = 1;
        /** The mode in which the decoder is operating. */
        this.decodeMode = esm_decode_DecodingMode.Strict;
    }
    /** Resets the instance to make it reusable. */
    startEntity(decodeMode) {
        this.decodeMode = decodeMode;
        this.state = decode_EntityDecoderState.EntityStart;
        this.result = 0;
        this.treeIndex = 0;
        this.excess = 1;
        this.consumed = 1;
    }
    /**
     * Write an entity to the decoder. This can be called multiple times with partial entities.
     * If the entity is incomplete, the decoder will return -1.
     *
     * Mirrors the implementation of `getDecoder`, but with the ability to stop decoding if the
     * entity is incomplete, and resume when the next string is written.
     *
     * @param string The string containing the entity (or a continuation of the entity).
     * @param offset The offset at which the entity begins. Should be 0 if this is not the first call.
     * @returns The number of characters that were consumed, or -1 if the entity is incomplete.
     */
    write(str, offset) {
        switch (this.state) {
            case decode_EntityDecoderState.EntityStart: {
                if (str.charCodeAt(offset) === decode_CharCodes.NUM) {
                    this.state = decode_EntityDecoderState.NumericStart;
                    this.consumed += 1;
                    return this.stateNumericStart(str, offset + 1);
                }
                this.state = decode_EntityDecoderState.NamedEntity;
                return this.stateNamedEntity(str, offset);
            }
            case decode_EntityDecoderState.NumericStart: {
                return this.stateNumericStart(str, offset);
            }
            case decode_EntityDecoderState.NumericDecimal: {
                return this.stateNumericDecimal(str, offset);
            }
            case decode_EntityDecoderState.NumericHex: {
                return this.stateNumericHex(str, offset);
            }
            case decode_EntityDecoderState.NamedEntity: {
                return this.stateNamedEntity(str, offset);
            }
        }
    }
    /**
     * Switches between the numeric decimal and hexadecimal states.
     *
     * Equivalent to the `Numeric character reference state` in the HTML spec.
     *
     * @param str The string containing the entity (or a continuation of the entity).
     * @param offset The current offset.
     * @returns The number of characters that were consumed, or -1 if the entity is incomplete.
     */
    stateNumericStart(str, offset) {
        if (offset >= str.length) {
            return -1;
        }
        if ((str.charCodeAt(offset) | decode_TO_LOWER_BIT) === decode_CharCodes.LOWER_X) {
            this.state = decode_EntityDecoderState.NumericHex;
            this.consumed += 1;
            return this.stateNumericHex(str, offset + 1);
        }
        this.state = decode_EntityDecoderState.NumericDecimal;
        return this.stateNumericDecimal(str, offset);
    }
    addToNumericResult(str, start, end, base) {
        if (start !== end) {
            const digitCount = end - start;
            this.result =
                this.result * Math.pow(base, digitCount) +
                    parseInt(str.substr(start, digitCount), base);
            this.consumed += digitCount;
        }
    }
    /**
     * Parses a hexadecimal numeric entity.
     *
     * Equivalent to the `Hexademical character reference state` in the HTML spec.
     *
     * @param str The string containing the entity (or a continuation of the entity).
     * @param offset The current offset.
     * @returns The number of characters that were consumed, or -1 if the entity is incomplete.
     */
    stateNumericHex(str, offset) {
        const startIdx = offset;
        while (offset < str.length) {
            const char = str.charCodeAt(offset);
            if (decode_isNumber(char) || decode_isHexadecimalCharacter(char)) {
                offset += 1;
            }
            else {
                this.addToNumericResult(str, startIdx, offset, 16);
                return this.emitNumericEntity(char, 3);
            }
        }
        this.addToNumericResult(str, startIdx, offset, 16);
        return -1;
    }
    /**
     * Parses a decimal numeric entity.
     *
     * Equivalent to the `Decimal character reference state` in the HTML spec.
     *
     * @param str The string containing the entity (or a continuation of the entity).
     * @param offset The current offset.
     * @returns The number of characters that were consumed, or -1 if the entity is incomplete.
     */
    stateNumericDecimal(str, offset) {
        const startIdx = offset;
        while (offset < str.length) {
            const char = str.charCodeAt(offset);
            if (decode_isNumber(char)) {
                offset += 1;
            }
            else {
                this.addToNumericResult(str, startIdx, offset, 10);
                return this.emitNumericEntity(char, 2);
            }
        }
        this.addToNumericResult(str, startIdx, offset, 10);
        return -1;
    }
    /**
     * Validate and emit a numeric entity.
     *
     * Implements the logic from the `Hexademical character reference start
     * state` and `Numeric character reference end state` in the HTML spec.
     *
     * @param lastCp The last code point of the entity. Used to see if the
     *               entity was terminated with a semicolon.
     * @param expectedLength The minimum number of characters that should be
     *                       consumed. Used to validate that at least one digit
     *                       was consumed.
     * @returns The number of characters that were consumed.
     */
    emitNumericEntity(lastCp, expectedLength) {
        var _a;
        // Ensure we consumed at least one digit.
        if (this.consumed <= expectedLength) {
            (_a = this.errors) === null || _a === void 0 ? void 0 : _a.absenceOfDigitsInNumericCharacterReference(this.consumed);
            return 0;
        }
        // Figure out if this is a legit end of the entity
        if (lastCp === decode_CharCodes.SEMI) {
            this.consumed += 1;
        }
        else if (this.decodeMode === esm_decode_DecodingMode.Strict) {
            return 0;
        }
        this.emitCodePoint(decode_codepoint_replaceCodePoint(this.result), this.consumed);
        if (this.errors) {
            if (lastCp !== decode_CharCodes.SEMI) {
                this.errors.missingSemicolonAfterCharacterReference();
            }
            this.errors.validateNumericCharacterReference(this.result);
        }
        return this.consumed;
    }
    /**
     * Parses a named entity.
     *
     * Equivalent to the `Named character reference state` in the HTML spec.
     *
     * @param str The string containing the entity (or a continuation of the entity).
     * @param offset The current offset.
     * @returns The number of characters that were consumed, or -1 if the entity is incomplete.
     */
    stateNamedEntity(str, offset) {
        const { decodeTree } = this;
        let current = decodeTree[this.treeIndex];
        // The mask is the number of bytes of the value, including the current byte.
        let valueLength = (current & decode_BinTrieFlags.VALUE_LENGTH) >> 14;
        for (; offset < str.length; offset++, this.excess++) {
            const char = str.charCodeAt(offset);
            this.treeIndex = decode_determineBranch(decodeTree, current, this.treeIndex + Math.max(1, valueLength), char);
            if (this.treeIndex < 0) {
                return this.result === 0 ||
                    // If we are parsing an attribute
                    (this.decodeMode === esm_decode_DecodingMode.Attribute &&
                        // We shouldn't have consumed any characters after the entity,
                        (valueLength === 0 ||
                            // And there should be no invalid characters.
                            decode_isEntityInAttributeInvalidEnd(char)))
                    ? 0
                    : this.emitNotTerminatedNamedEntity();
            }
            current = decodeTree[this.treeIndex];
            valueLength = (current & decode_BinTrieFlags.VALUE_LENGTH) >> 14;
            // If the branch is a value, store it and continue
            if (valueLength !== 0) {
                // If the entity is terminated by a semicolon, we are done.
                if (char === decode_CharCodes.SEMI) {
                    return this.emitNamedEntityData(this.treeIndex, valueLength, this.consumed + this.excess);
                }
                // If we encounter a non-terminated (legacy) entity while parsing strictly, then ignore it.
                if (this.decodeMode !== esm_decode_DecodingMode.Strict) {
                    this.result = this.treeIndex;
                    this.consumed += this.excess;
                    this.excess = 0;
                }
            }
        }
        return -1;
    }
    /**
     * Emit a named entity that was not terminated with a semicolon.
     *
     * @returns The number of characters consumed.
     */
    emitNotTerminatedNamedEntity() {
        var _a;
        const { result, decodeTree } = this;
        const valueLength = (decodeTree[result] & decode_BinTrieFlags.VALUE_LENGTH) >> 14;
        this.emitNamedEntityData(result, valueLength, this.consumed);
        (_a = this.errors) === null || _a === void 0 ? void 0 : _a.missingSemicolonAfterCharacterReference();
        return this.consumed;
    }
    /**
     * Emit a named entity.
     *
     * @param result The index of the entity in the decode tree.
     * @param valueLength The number of bytes in the entity.
     * @param consumed The number of characters consumed.
     *
     * @returns The number of characters consumed.
     */
    emitNamedEntityData(result, valueLength, consumed) {
        const { decodeTree } = this;
        this.emitCodePoint(valueLength === 1
            ? decodeTree[result] & ~decode_BinTrieFlags.VALUE_LENGTH
            : decodeTree[result + 1], consumed);
        if (valueLength === 3) {
            // For multi-byte values, we need to emit the second byte.
            this.emitCodePoint(decodeTree[result + 2], consumed);
        }
        return consumed;
    }
    /**
     * Signal to the parser that the end of the input was reached.
     *
     * Remaining data will be emitted and relevant errors will be produced.
     *
     * @returns The number of characters consumed.
     */
    end() {
        var _a;
        switch (this.state) {
            case decode_EntityDecoderState.NamedEntity: {
                // Emit a named entity if we have one.
                return this.result !== 0 &&
                    (this.decodeMode !== esm_decode_DecodingMode.Attribute ||
                        this.result === this.treeIndex)
                    ? this.emitNotTerminatedNamedEntity()
                    : 0;
            }
            // Otherwise, emit a numeric entity if we have one.
            case decode_EntityDecoderState.NumericDecimal: {
                return this.emitNumericEntity(0, 2);
            }
            case decode_EntityDecoderState.NumericHex: {
                return this.emitNumericEntity(0, 3);
            }
            case decode_EntityDecoderState.NumericStart: {
                (_a = this.errors) === null || _a === void 0 ? void 0 : _a.absenceOfDigitsInNumericCharacterReference(this.consumed);
                return 0;
            }
            case decode_EntityDecoderState.EntityStart: {
                // Return 0 if we have no entity.
                return 0;
            }
        }
    }
}
/**
 * Creates a function that decodes entities in a string.
 *
 * @param decodeTree The decode tree.
 * @returns A function that decodes entities in a string.
 */
function decode_getDecoder(decodeTree) {
    let ret = "";
    const decoder = new decode_EntityDecoder(decodeTree, (str) => (ret += esm_decode_codepoint_fromCodePoint(str)));
    return function decodeWithTrie(str, decodeMode) {
        let lastIndex = 0;
        let offset = 0;
        while ((offset = str.indexOf("&", offset)) >= 0) {
            ret += str.slice(lastIndex, offset);
            decoder.startEntity(decodeMode);
            const len = decoder.write(str, 
            // Skip the "&"
            offset + 1);
            if (len < 0) {
                lastIndex = offset + decoder.end();
                break;
            }
            lastIndex = offset + len;
            // If `len` is 0, skip the current `&` and continue.
            offset = len === 0 ? lastIndex + 1 : lastIndex;
        }
        const result = ret + str.slice(lastIndex);
        // Make sure we don't keep a reference to the final string.
        ret = "";
        return result;
    };
}
/**
 * Determines the branch of the current node that is taken given the current
 * character. This function is used to traverse the trie.
 *
 * @param decodeTree The trie.
 * @param current The current node.
 * @param nodeIdx The index right after the current node and its value.
 * @param char The current character.
 * @returns The index of the next node, or -1 if no branch is taken.
 */
function decode_determineBranch(decodeTree, current, nodeIdx, char) {
    const branchCount = (current & decode_BinTrieFlags.BRANCH_LENGTH) >> 7;
    const jumpOffset = current & decode_BinTrieFlags.JUMP_TABLE;
    // Case 1: Single branch encoded in jump offset
    if (branchCount === 0) {
        return jumpOffset !== 0 && char === jumpOffset ? nodeIdx : -1;
    }
    // Case 2: Multiple branches encoded in jump table
    if (jumpOffset) {
        const value = char - jumpOffset;
        return value < 0 || value >= branchCount
            ? -1
            : decodeTree[nodeIdx + value] - 1;
    }
    // Case 3: Multiple branches encoded in dictionary
    // Binary search for the character.
    let lo = nodeIdx;
    let hi = lo + branchCount - 1;
    while (lo <= hi) {
        const mid = (lo + hi) >>> 1;
        const midVal = decodeTree[mid];
        if (midVal < char) {
            lo = mid + 1;
        }
        else if (midVal > char) {
            hi = mid - 1;
        }
        else {
            return decodeTree[mid + branchCount];
        }
    }
    return -1;
}
const decode_htmlDecoder = decode_getDecoder(decode_data_html);
const decode_xmlDecoder = decode_getDecoder(decode_data_xml);
/**
 * Decodes an HTML string.
 *
 * @param str The string to decode.
 * @param mode The decoding mode.
 * @returns The decoded string.
 */
function esm_decode_decodeHTML(str, mode = esm_decode_DecodingMode.Legacy) {
    return decode_htmlDecoder(str, mode);
}
/**
 * Decodes an HTML string in an attribute.
 *
 * @param str The string to decode.
 * @returns The decoded string.
 */
function decode_decodeHTMLAttribute(str) {
    return decode_htmlDecoder(str, esm_decode_DecodingMode.Attribute);
}
/**
 * Decodes an HTML string, requiring all entities to be terminated by a semicolon.
 *
 * @param str The string to decode.
 * @returns The decoded string.
 */
function decode_decodeHTMLStrict(str) {
    return decode_htmlDecoder(str, esm_decode_DecodingMode.Strict);
}
/**
 * Decodes an XML string, requiring all entities to be terminated by a semicolon.
 *
 * @param str The string to decode.
 * @returns The decoded string.
 */
function esm_decode_decodeXML(str) {
    return decode_xmlDecoder(str, esm_decode_DecodingMode.Strict);
}
//# sourceMappingURL=decode.js.map
;// CONCATENATED MODULE: ./node_modules/dom-serializer/node_modules/entities/lib/esm/generated/encode-html.js
// Generated using scripts/write-encode-map.ts
function restoreDiff(arr) {
    for (let i = 1; i < arr.length; i++) {
        arr[i][0] += arr[i - 1][0] + 1;
    }
    return arr;
}
// prettier-ignore
/* harmony default export */ const encode_html = (new Map(/* #__PURE__ */ restoreDiff([[9, "&Tab;"], [0, "&NewLine;"], [22, "&excl;"], [0, "&quot;"], [0, "&num;"], [0, "&dollar;"], [0, "&percnt;"], [0, "&amp;"], [0, "&apos;"], [0, "&lpar;"], [0, "&rpar;"], [0, "&ast;"], [0, "&plus;"], [0, "&comma;"], [1, "&period;"], [0, "&sol;"], [10, "&colon;"], [0, "&semi;"], [0, { v: "&lt;", n: 8402, o: "&nvlt;" }], [0, { v: "&equals;", n: 8421, o: "&bne;" }], [0, { v: "&gt;", n: 8402, o: "&nvgt;" }], [0, "&quest;"], [0, "&commat;"], [26, "&lbrack;"], [0, "&bsol;"], [0, "&rbrack;"], [0, "&Hat;"], [0, "&lowbar;"], [0, "&DiacriticalGrave;"], [5, { n: 106, o: "&fjlig;" }], [20, "&lbrace;"], [0, "&verbar;"], [0, "&rbrace;"], [34, "&nbsp;"], [0, "&iexcl;"], [0, "&cent;"], [0, "&pound;"], [0, "&curren;"], [0, "&yen;"], [0, "&brvbar;"], [0, "&sect;"], [0, "&die;"], [0, "&copy;"], [0, "&ordf;"], [0, "&laquo;"], [0, "&not;"], [0, "&shy;"], [0, "&circledR;"], [0, "&macr;"], [0, "&deg;"], [0, "&PlusMinus;"], [0, "&sup2;"], [0, "&sup3;"], [0, "&acute;"], [0, "&micro;"], [0, "&para;"], [0, "&centerdot;"], [0, "&cedil;"], [0, "&sup1;"], [0, "&ordm;"], [0, "&raquo;"], [0, "&frac14;"], [0, "&frac12;"], [0, "&frac34;"], [0, "&iquest;"], [0, "&Agrave;"], [0, "&Aacute;"], [0, "&Acirc;"], [0, "&Atilde;"], [0, "&Auml;"], [0, "&angst;"], [0, "&AElig;"], [0, "&Ccedil;"], [0, "&Egrave;"], [0, "&Eacute;"], [0, "&Ecirc;"], [0, "&Euml;"], [0, "&Igrave;"], [0, "&Iacute;"], [0, "&Icirc;"], [0, "&Iuml;"], [0, "&ETH;"], [0, "&Ntilde;"], [0, "&Ograve;"], [0, "&Oacute;"], [0, "&Ocirc;"], [0, "&Otilde;"], [0, "&Ouml;"], [0, "&times;"], [0, "&Oslash;"], [0, "&Ugrave;"], [0, "&Uacute;"], [0, "&Ucirc;"], [0, "&Uuml;"], [0, "&Yacute;"], [0, "&THORN;"], [0, "&szlig;"], [0, "&agrave;"], [0, "&aacute;"], [0, "&acirc;"], [0, "&atilde;"], [0, "&auml;"], [0, "&aring;"], [0, "&aelig;"], [0, "&ccedil;"], [0, "&egrave;"], [0, "&eacute;"], [0, "&ecirc;"], [0, "&euml;"], [0, "&igrave;"], [0, "&iacute;"], [0, "&icirc;"], [0, "&iuml;"], [0, "&eth;"], [0, "&ntilde;"], [0, "&ograve;"], [0, "&oacute;"], [0, "&ocirc;"], [0, "&otilde;"], [0, "&ouml;"], [0, "&div;"], [0, "&oslash;"], [0, "&ugrave;"], [0, "&uacute;"], [0, "&ucirc;"], [0, "&uuml;"], [0, "&yacute;"], [0, "&thorn;"], [0, "&yuml;"], [0, "&Amacr;"], [0, "&amacr;"], [0, "&Abreve;"], [0, "&abreve;"], [0, "&Aogon;"], [0, "&aogon;"], [0, "&Cacute;"], [0, "&cacute;"], [0, "&Ccirc;"], [0, "&ccirc;"], [0, "&Cdot;"], [0, "&cdot;"], [0, "&Ccaron;"], [0, "&ccaron;"], [0, "&Dcaron;"], [0, "&dcaron;"], [0, "&Dstrok;"], [0, "&dstrok;"], [0, "&Emacr;"], [0, "&emacr;"], [2, "&Edot;"], [0, "&edot;"], [0, "&Eogon;"], [0, "&eogon;"], [0, "&Ecaron;"], [0, "&ecaron;"], [0, "&Gcirc;"], [0, "&gcirc;"], [0, "&Gbreve;"], [0, "&gbreve;"], [0, "&Gdot;"], [0, "&gdot;"], [0, "&Gcedil;"], [1, "&Hcirc;"], [0, "&hcirc;"], [0, "&Hstrok;"], [0, "&hstrok;"], [0, "&Itilde;"], [0, "&itilde;"], [0, "&Imacr;"], [0, "&imacr;"], [2, "&Iogon;"], [0, "&iogon;"], [0, "&Idot;"], [0, "&imath;"], [0, "&IJlig;"], [0, "&ijlig;"], [0, "&Jcirc;"], [0, "&jcirc;"], [0, "&Kcedil;"], [0, "&kcedil;"], [0, "&kgreen;"], [0, "&Lacute;"], [0, "&lacute;"], [0, "&Lcedil;"], [0, "&lcedil;"], [0, "&Lcaron;"], [0, "&lcaron;"], [0, "&Lmidot;"], [0, "&lmidot;"], [0, "&Lstrok;"], [0, "&lstrok;"], [0, "&Nacute;"], [0, "&nacute;"], [0, "&Ncedil;"], [0, "&ncedil;"], [0, "&Ncaron;"], [0, "&ncaron;"], [0, "&napos;"], [0, "&ENG;"], [0, "&eng;"], [0, "&Omacr;"], [0, "&omacr;"], [2, "&Odblac;"], [0, "&odblac;"], [0, "&OElig;"], [0, "&oelig;"], [0, "&Racute;"], [0, "&racute;"], [0, "&Rcedil;"], [0, "&rcedil;"], [0, "&Rcaron;"], [0, "&rcaron;"], [0, "&Sacute;"], [0, "&sacute;"], [0, "&Scirc;"], [0, "&scirc;"], [0, "&Scedil;"], [0, "&scedil;"], [0, "&Scaron;"], [0, "&scaron;"], [0, "&Tcedil;"], [0, "&tcedil;"], [0, "&Tcaron;"], [0, "&tcaron;"], [0, "&Tstrok;"], [0, "&tstrok;"], [0, "&Utilde;"], [0, "&utilde;"], [0, "&Umacr;"], [0, "&umacr;"], [0, "&Ubreve;"], [0, "&ubreve;"], [0, "&Uring;"], [0, "&uring;"], [0, "&Udblac;"], [0, "&udblac;"], [0, "&Uogon;"], [0, "&uogon;"], [0, "&Wcirc;"], [0, "&wcirc;"], [0, "&Ycirc;"], [0, "&ycirc;"], [0, "&Yuml;"], [0, "&Zacute;"], [0, "&zacute;"], [0, "&Zdot;"], [0, "&zdot;"], [0, "&Zcaron;"], [0, "&zcaron;"], [19, "&fnof;"], [34, "&imped;"], [63, "&gacute;"], [65, "&jmath;"], [142, "&circ;"], [0, "&caron;"], [16, "&breve;"], [0, "&DiacriticalDot;"], [0, "&ring;"], [0, "&ogon;"], [0, "&DiacriticalTilde;"], [0, "&dblac;"], [51, "&DownBreve;"], [127, "&Alpha;"], [0, "&Beta;"], [0, "&Gamma;"], [0, "&Delta;"], [0, "&Epsilon;"], [0, "&Zeta;"], [0, "&Eta;"], [0, "&Theta;"], [0, "&Iota;"], [0, "&Kappa;"], [0, "&Lambda;"], [0, "&Mu;"], [0, "&Nu;"], [0, "&Xi;"], [0, "&Omicron;"], [0, "&Pi;"], [0, "&Rho;"], [1, "&Sigma;"], [0, "&Tau;"], [0, "&Upsilon;"], [0, "&Phi;"], [0, "&Chi;"], [0, "&Psi;"], [0, "&ohm;"], [7, "&alpha;"], [0, "&beta;"], [0, "&gamma;"], [0, "&delta;"], [0, "&epsi;"], [0, "&zeta;"], [0, "&eta;"], [0, "&theta;"], [0, "&iota;"], [0, "&kappa;"], [0, "&lambda;"], [0, "&mu;"], [0, "&nu;"], [0, "&xi;"], [0, "&omicron;"], [0, "&pi;"], [0, "&rho;"], [0, "&sigmaf;"], [0, "&sigma;"], [0, "&tau;"], [0, "&upsi;"], [0, "&phi;"], [0, "&chi;"], [0, "&psi;"], [0, "&omega;"], [7, "&thetasym;"], [0, "&Upsi;"], [2, "&phiv;"], [0, "&piv;"], [5, "&Gammad;"], [0, "&digamma;"], [18, "&kappav;"], [0, "&rhov;"], [3, "&epsiv;"], [0, "&backepsilon;"], [10, "&IOcy;"], [0, "&DJcy;"], [0, "&GJcy;"], [0, "&Jukcy;"], [0, "&DScy;"], [0, "&Iukcy;"], [0, "&YIcy;"], [0, "&Jsercy;"], [0, "&LJcy;"], [0, "&NJcy;"], [0, "&TSHcy;"], [0, "&KJcy;"], [1, "&Ubrcy;"], [0, "&DZcy;"], [0, "&Acy;"], [0, "&Bcy;"], [0, "&Vcy;"], [0, "&Gcy;"], [0, "&Dcy;"], [0, "&IEcy;"], [0, "&ZHcy;"], [0, "&Zcy;"], [0, "&Icy;"], [0, "&Jcy;"], [0, "&Kcy;"], [0, "&Lcy;"], [0, "&Mcy;"], [0, "&Ncy;"], [0, "&Ocy;"], [0, "&Pcy;"], [0, "&Rcy;"], [0, "&Scy;"], [0, "&Tcy;"], [0, "&Ucy;"], [0, "&Fcy;"], [0, "&KHcy;"], [0, "&TScy;"], [0, "&CHcy;"], [0, "&SHcy;"], [0, "&SHCHcy;"], [0, "&HARDcy;"], [0, "&Ycy;"], [0, "&SOFTcy;"], [0, "&Ecy;"], [0, "&YUcy;"], [0, "&YAcy;"], [0, "&acy;"], [0, "&bcy;"], [0, "&vcy;"], [0, "&gcy;"], [0, "&dcy;"], [0, "&iecy;"], [0, "&zhcy;"], [0, "&zcy;"], [0, "&icy;"], [0, "&jcy;"], [0, "&kcy;"], [0, "&lcy;"], [0, "&mcy;"], [0, "&ncy;"], [0, "&ocy;"], [0, "&pcy;"], [0, "&rcy;"], [0, "&scy;"], [0, "&tcy;"], [0, "&ucy;"], [0, "&fcy;"], [0, "&khcy;"], [0, "&tscy;"], [0, "&chcy;"], [0, "&shcy;"], [0, "&shchcy;"], [0, "&hardcy;"], [0, "&ycy;"], [0, "&softcy;"], [0, "&ecy;"], [0, "&yucy;"], [0, "&yacy;"], [1, "&iocy;"], [0, "&djcy;"], [0, "&gjcy;"], [0, "&jukcy;"], [0, "&dscy;"], [0, "&iukcy;"], [0, "&yicy;"], [0, "&jsercy;"], [0, "&ljcy;"], [0, "&njcy;"], [0, "&tshcy;"], [0, "&kjcy;"], [1, "&ubrcy;"], [0, "&dzcy;"], [7074, "&ensp;"], [0, "&emsp;"], [0, "&emsp13;"], [0, "&emsp14;"], [1, "&numsp;"], [0, "&puncsp;"], [0, "&ThinSpace;"], [0, "&hairsp;"], [0, "&NegativeMediumSpace;"], [0, "&zwnj;"], [0, "&zwj;"], [0, "&lrm;"], [0, "&rlm;"], [0, "&dash;"], [2, "&ndash;"], [0, "&mdash;"], [0, "&horbar;"], [0, "&Verbar;"], [1, "&lsquo;"], [0, "&CloseCurlyQuote;"], [0, "&lsquor;"], [1, "&ldquo;"], [0, "&CloseCurlyDoubleQuote;"], [0, "&bdquo;"], [1, "&dagger;"], [0, "&Dagger;"], [0, "&bull;"], [2, "&nldr;"], [0, "&hellip;"], [9, "&permil;"], [0, "&pertenk;"], [0, "&prime;"], [0, "&Prime;"], [0, "&tprime;"], [0, "&backprime;"], [3, "&lsaquo;"], [0, "&rsaquo;"], [3, "&oline;"], [2, "&caret;"], [1, "&hybull;"], [0, "&frasl;"], [10, "&bsemi;"], [7, "&qprime;"], [7, { v: "&MediumSpace;", n: 8202, o: "&ThickSpace;" }], [0, "&NoBreak;"], [0, "&af;"], [0, "&InvisibleTimes;"], [0, "&ic;"], [72, "&euro;"], [46, "&tdot;"], [0, "&DotDot;"], [37, "&complexes;"], [2, "&incare;"], [4, "&gscr;"], [0, "&hamilt;"], [0, "&Hfr;"], [0, "&Hopf;"], [0, "&planckh;"], [0, "&hbar;"], [0, "&imagline;"], [0, "&Ifr;"], [0, "&lagran;"], [0, "&ell;"], [1, "&naturals;"], [0, "&numero;"], [0, "&copysr;"], [0, "&weierp;"], [0, "&Popf;"], [0, "&Qopf;"], [0, "&realine;"], [0, "&real;"], [0, "&reals;"], [0, "&rx;"], [3, "&trade;"], [1, "&integers;"], [2, "&mho;"], [0, "&zeetrf;"], [0, "&iiota;"], [2, "&bernou;"], [0, "&Cayleys;"], [1, "&escr;"], [0, "&Escr;"], [0, "&Fouriertrf;"], [1, "&Mellintrf;"], [0, "&order;"], [0, "&alefsym;"], [0, "&beth;"], [0, "&gimel;"], [0, "&daleth;"], [12, "&CapitalDifferentialD;"], [0, "&dd;"], [0, "&ee;"], [0, "&ii;"], [10, "&frac13;"], [0, "&frac23;"], [0, "&frac15;"], [0, "&frac25;"], [0, "&frac35;"], [0, "&frac45;"], [0, "&frac16;"], [0, "&frac56;"], [0, "&frac18;"], [0, "&frac38;"], [0, "&frac58;"], [0, "&frac78;"], [49, "&larr;"], [0, "&ShortUpArrow;"], [0, "&rarr;"], [0, "&darr;"], [0, "&harr;"], [0, "&updownarrow;"], [0, "&nwarr;"], [0, "&nearr;"], [0, "&LowerRightArrow;"], [0, "&LowerLeftArrow;"], [0, "&nlarr;"], [0, "&nrarr;"], [1, { v: "&rarrw;", n: 824, o: "&nrarrw;" }], [0, "&Larr;"], [0, "&Uarr;"], [0, "&Rarr;"], [0, "&Darr;"], [0, "&larrtl;"], [0, "&rarrtl;"], [0, "&LeftTeeArrow;"], [0, "&mapstoup;"], [0, "&map;"], [0, "&DownTeeArrow;"], [1, "&hookleftarrow;"], [0, "&hookrightarrow;"], [0, "&larrlp;"], [0, "&looparrowright;"], [0, "&harrw;"], [0, "&nharr;"], [1, "&lsh;"], [0, "&rsh;"], [0, "&ldsh;"], [0, "&rdsh;"], [1, "&crarr;"], [0, "&cularr;"], [0, "&curarr;"], [2, "&circlearrowleft;"], [0, "&circlearrowright;"], [0, "&leftharpoonup;"], [0, "&DownLeftVector;"], [0, "&RightUpVector;"], [0, "&LeftUpVector;"], [0, "&rharu;"], [0, "&DownRightVector;"], [0, "&dharr;"], [0, "&dharl;"], [0, "&RightArrowLeftArrow;"], [0, "&udarr;"], [0, "&LeftArrowRightArrow;"], [0, "&leftleftarrows;"], [0, "&upuparrows;"], [0, "&rightrightarrows;"], [0, "&ddarr;"], [0, "&leftrightharpoons;"], [0, "&Equilibrium;"], [0, "&nlArr;"], [0, "&nhArr;"], [0, "&nrArr;"], [0, "&DoubleLeftArrow;"], [0, "&DoubleUpArrow;"], [0, "&DoubleRightArrow;"], [0, "&dArr;"], [0, "&DoubleLeftRightArrow;"], [0, "&DoubleUpDownArrow;"], [0, "&nwArr;"], [0, "&neArr;"], [0, "&seArr;"], [0, "&swArr;"], [0, "&lAarr;"], [0, "&rAarr;"], [1, "&zigrarr;"], [6, "&larrb;"], [0, "&rarrb;"], [15, "&DownArrowUpArrow;"], [7, "&loarr;"], [0, "&roarr;"], [0, "&hoarr;"], [0, "&forall;"], [0, "&comp;"], [0, { v: "&part;", n: 824, o: "&npart;" }], [0, "&exist;"], [0, "&nexist;"], [0, "&empty;"], [1, "&Del;"], [0, "&Element;"], [0, "&NotElement;"], [1, "&ni;"], [0, "&notni;"], [2, "&prod;"], [0, "&coprod;"], [0, "&sum;"], [0, "&minus;"], [0, "&MinusPlus;"], [0, "&dotplus;"], [1, "&Backslash;"], [0, "&lowast;"], [0, "&compfn;"], [1, "&radic;"], [2, "&prop;"], [0, "&infin;"], [0, "&angrt;"], [0, { v: "&ang;", n: 8402, o: "&nang;" }], [0, "&angmsd;"], [0, "&angsph;"], [0, "&mid;"], [0, "&nmid;"], [0, "&DoubleVerticalBar;"], [0, "&NotDoubleVerticalBar;"], [0, "&and;"], [0, "&or;"], [0, { v: "&cap;", n: 65024, o: "&caps;" }], [0, { v: "&cup;", n: 65024, o: "&cups;" }], [0, "&int;"], [0, "&Int;"], [0, "&iiint;"], [0, "&conint;"], [0, "&Conint;"], [0, "&Cconint;"], [0, "&cwint;"], [0, "&ClockwiseContourIntegral;"], [0, "&awconint;"], [0, "&there4;"], [0, "&becaus;"], [0, "&ratio;"], [0, "&Colon;"], [0, "&dotminus;"], [1, "&mDDot;"], [0, "&homtht;"], [0, { v: "&sim;", n: 8402, o: "&nvsim;" }], [0, { v: "&backsim;", n: 817, o: "&race;" }], [0, { v: "&ac;", n: 819, o: "&acE;" }], [0, "&acd;"], [0, "&VerticalTilde;"], [0, "&NotTilde;"], [0, { v: "&eqsim;", n: 824, o: "&nesim;" }], [0, "&sime;"], [0, "&NotTildeEqual;"], [0, "&cong;"], [0, "&simne;"], [0, "&ncong;"], [0, "&ap;"], [0, "&nap;"], [0, "&ape;"], [0, { v: "&apid;", n: 824, o: "&napid;" }], [0, "&backcong;"], [0, { v: "&asympeq;", n: 8402, o: "&nvap;" }], [0, { v: "&bump;", n: 824, o: "&nbump;" }], [0, { v: "&bumpe;", n: 824, o: "&nbumpe;" }], [0, { v: "&doteq;", n: 824, o: "&nedot;" }], [0, "&doteqdot;"], [0, "&efDot;"], [0, "&erDot;"], [0, "&Assign;"], [0, "&ecolon;"], [0, "&ecir;"], [0, "&circeq;"], [1, "&wedgeq;"], [0, "&veeeq;"], [1, "&triangleq;"], [2, "&equest;"], [0, "&ne;"], [0, { v: "&Congruent;", n: 8421, o: "&bnequiv;" }], [0, "&nequiv;"], [1, { v: "&le;", n: 8402, o: "&nvle;" }], [0, { v: "&ge;", n: 8402, o: "&nvge;" }], [0, { v: "&lE;", n: 824, o: "&nlE;" }], [0, { v: "&gE;", n: 824, o: "&ngE;" }], [0, { v: "&lnE;", n: 65024, o: "&lvertneqq;" }], [0, { v: "&gnE;", n: 65024, o: "&gvertneqq;" }], [0, { v: "&ll;", n: new Map(/* #__PURE__ */ restoreDiff([[824, "&nLtv;"], [7577, "&nLt;"]])) }], [0, { v: "&gg;", n: new Map(/* #__PURE__ */ restoreDiff([[824, "&nGtv;"], [7577, "&nGt;"]])) }], [0, "&between;"], [0, "&NotCupCap;"], [0, "&nless;"], [0, "&ngt;"], [0, "&nle;"], [0, "&nge;"], [0, "&lesssim;"], [0, "&GreaterTilde;"], [0, "&nlsim;"], [0, "&ngsim;"], [0, "&LessGreater;"], [0, "&gl;"], [0, "&NotLessGreater;"], [0, "&NotGreaterLess;"], [0, "&pr;"], [0, "&sc;"], [0, "&prcue;"], [0, "&sccue;"], [0, "&PrecedesTilde;"], [0, { v: "&scsim;", n: 824, o: "&NotSucceedsTilde;" }], [0, "&NotPrecedes;"], [0, "&NotSucceeds;"], [0, { v: "&sub;", n: 8402, o: "&NotSubset;" }], [0, { v: "&sup;", n: 8402, o: "&NotSuperset;" }], [0, "&nsub;"], [0, "&nsup;"], [0, "&sube;"], [0, "&supe;"], [0, "&NotSubsetEqual;"], [0, "&NotSupersetEqual;"], [0, { v: "&subne;", n: 65024, o: "&varsubsetneq;" }], [0, { v: "&supne;", n: 65024, o: "&varsupsetneq;" }], [1, "&cupdot;"], [0, "&UnionPlus;"], [0, { v: "&sqsub;", n: 824, o: "&NotSquareSubset;" }], [0, { v: "&sqsup;", n: 824, o: "&NotSquareSuperset;" }], [0, "&sqsube;"], [0, "&sqsupe;"], [0, { v: "&sqcap;", n: 65024, o: "&sqcaps;" }], [0, { v: "&sqcup;", n: 65024, o: "&sqcups;" }], [0, "&CirclePlus;"], [0, "&CircleMinus;"], [0, "&CircleTimes;"], [0, "&osol;"], [0, "&CircleDot;"], [0, "&circledcirc;"], [0, "&circledast;"], [1, "&circleddash;"], [0, "&boxplus;"], [0, "&boxminus;"], [0, "&boxtimes;"], [0, "&dotsquare;"], [0, "&RightTee;"], [0, "&dashv;"], [0, "&DownTee;"], [0, "&bot;"], [1, "&models;"], [0, "&DoubleRightTee;"], [0, "&Vdash;"], [0, "&Vvdash;"], [0, "&VDash;"], [0, "&nvdash;"], [0, "&nvDash;"], [0, "&nVdash;"], [0, "&nVDash;"], [0, "&prurel;"], [1, "&LeftTriangle;"], [0, "&RightTriangle;"], [0, { v: "&LeftTriangleEqual;", n: 8402, o: "&nvltrie;" }], [0, { v: "&RightTriangleEqual;", n: 8402, o: "&nvrtrie;" }], [0, "&origof;"], [0, "&imof;"], [0, "&multimap;"], [0, "&hercon;"], [0, "&intcal;"], [0, "&veebar;"], [1, "&barvee;"], [0, "&angrtvb;"], [0, "&lrtri;"], [0, "&bigwedge;"], [0, "&bigvee;"], [0, "&bigcap;"], [0, "&bigcup;"], [0, "&diam;"], [0, "&sdot;"], [0, "&sstarf;"], [0, "&divideontimes;"], [0, "&bowtie;"], [0, "&ltimes;"], [0, "&rtimes;"], [0, "&leftthreetimes;"], [0, "&rightthreetimes;"], [0, "&backsimeq;"], [0, "&curlyvee;"], [0, "&curlywedge;"], [0, "&Sub;"], [0, "&Sup;"], [0, "&Cap;"], [0, "&Cup;"], [0, "&fork;"], [0, "&epar;"], [0, "&lessdot;"], [0, "&gtdot;"], [0, { v: "&Ll;", n: 824, o: "&nLl;" }], [0, { v: "&Gg;", n: 824, o: "&nGg;" }], [0, { v: "&leg;", n: 65024, o: "&lesg;" }], [0, { v: "&gel;", n: 65024, o: "&gesl;" }], [2, "&cuepr;"], [0, "&cuesc;"], [0, "&NotPrecedesSlantEqual;"], [0, "&NotSucceedsSlantEqual;"], [0, "&NotSquareSubsetEqual;"], [0, "&NotSquareSupersetEqual;"], [2, "&lnsim;"], [0, "&gnsim;"], [0, "&precnsim;"], [0, "&scnsim;"], [0, "&nltri;"], [0, "&NotRightTriangle;"], [0, "&nltrie;"], [0, "&NotRightTriangleEqual;"], [0, "&vellip;"], [0, "&ctdot;"], [0, "&utdot;"], [0, "&dtdot;"], [0, "&disin;"], [0, "&isinsv;"], [0, "&isins;"], [0, { v: "&isindot;", n: 824, o: "&notindot;" }], [0, "&notinvc;"], [0, "&notinvb;"], [1, { v: "&isinE;", n: 824, o: "&notinE;" }], [0, "&nisd;"], [0, "&xnis;"], [0, "&nis;"], [0, "&notnivc;"], [0, "&notnivb;"], [6, "&barwed;"], [0, "&Barwed;"], [1, "&lceil;"], [0, "&rceil;"], [0, "&LeftFloor;"], [0, "&rfloor;"], [0, "&drcrop;"], [0, "&dlcrop;"], [0, "&urcrop;"], [0, "&ulcrop;"], [0, "&bnot;"], [1, "&profline;"], [0, "&profsurf;"], [1, "&telrec;"], [0, "&target;"], [5, "&ulcorn;"], [0, "&urcorn;"], [0, "&dlcorn;"], [0, "&drcorn;"], [2, "&frown;"], [0, "&smile;"], [9, "&cylcty;"], [0, "&profalar;"], [7, "&topbot;"], [6, "&ovbar;"], [1, "&solbar;"], [60, "&angzarr;"], [51, "&lmoustache;"], [0, "&rmoustache;"], [2, "&OverBracket;"], [0, "&bbrk;"], [0, "&bbrktbrk;"], [37, "&OverParenthesis;"], [0, "&UnderParenthesis;"], [0, "&OverBrace;"], [0, "&UnderBrace;"], [2, "&trpezium;"], [4, "&elinters;"], [59, "&blank;"], [164, "&circledS;"], [55, "&boxh;"], [1, "&boxv;"], [9, "&boxdr;"], [3, "&boxdl;"], [3, "&boxur;"], [3, "&boxul;"], [3, "&boxvr;"], [7, "&boxvl;"], [7, "&boxhd;"], [7, "&boxhu;"], [7, "&boxvh;"], [19, "&boxH;"], [0, "&boxV;"], [0, "&boxdR;"], [0, "&boxDr;"], [0, "&boxDR;"], [0, "&boxdL;"], [0, "&boxDl;"], [0, "&boxDL;"], [0, "&boxuR;"], [0, "&boxUr;"], [0, "&boxUR;"], [0, "&boxuL;"], [0, "&boxUl;"], [0, "&boxUL;"], [0, "&boxvR;"], [0, "&boxVr;"], [0, "&boxVR;"], [0, "&boxvL;"], [0, "&boxVl;"], [0, "&boxVL;"], [0, "&boxHd;"], [0, "&boxhD;"], [0, "&boxHD;"], [0, "&boxHu;"], [0, "&boxhU;"], [0, "&boxHU;"], [0, "&boxvH;"], [0, "&boxVh;"], [0, "&boxVH;"], [19, "&uhblk;"], [3, "&lhblk;"], [3, "&block;"], [8, "&blk14;"], [0, "&blk12;"], [0, "&blk34;"], [13, "&square;"], [8, "&blacksquare;"], [0, "&EmptyVerySmallSquare;"], [1, "&rect;"], [0, "&marker;"], [2, "&fltns;"], [1, "&bigtriangleup;"], [0, "&blacktriangle;"], [0, "&triangle;"], [2, "&blacktriangleright;"], [0, "&rtri;"], [3, "&bigtriangledown;"], [0, "&blacktriangledown;"], [0, "&dtri;"], [2, "&blacktriangleleft;"], [0, "&ltri;"], [6, "&loz;"], [0, "&cir;"], [32, "&tridot;"], [2, "&bigcirc;"], [8, "&ultri;"], [0, "&urtri;"], [0, "&lltri;"], [0, "&EmptySmallSquare;"], [0, "&FilledSmallSquare;"], [8, "&bigstar;"], [0, "&star;"], [7, "&phone;"], [49, "&female;"], [1, "&male;"], [29, "&spades;"], [2, "&clubs;"], [1, "&hearts;"], [0, "&diamondsuit;"], [3, "&sung;"], [2, "&flat;"], [0, "&natural;"], [0, "&sharp;"], [163, "&check;"], [3, "&cross;"], [8, "&malt;"], [21, "&sext;"], [33, "&VerticalSeparator;"], [25, "&lbbrk;"], [0, "&rbbrk;"], [84, "&bsolhsub;"], [0, "&suphsol;"], [28, "&LeftDoubleBracket;"], [0, "&RightDoubleBracket;"], [0, "&lang;"], [0, "&rang;"], [0, "&Lang;"], [0, "&Rang;"], [0, "&loang;"], [0, "&roang;"], [7, "&longleftarrow;"], [0, "&longrightarrow;"], [0, "&longleftrightarrow;"], [0, "&DoubleLongLeftArrow;"], [0, "&DoubleLongRightArrow;"], [0, "&DoubleLongLeftRightArrow;"], [1, "&longmapsto;"], [2, "&dzigrarr;"], [258, "&nvlArr;"], [0, "&nvrArr;"], [0, "&nvHarr;"], [0, "&Map;"], [6, "&lbarr;"], [0, "&bkarow;"], [0, "&lBarr;"], [0, "&dbkarow;"], [0, "&drbkarow;"], [0, "&DDotrahd;"], [0, "&UpArrowBar;"], [0, "&DownArrowBar;"], [2, "&Rarrtl;"], [2, "&latail;"], [0, "&ratail;"], [0, "&lAtail;"], [0, "&rAtail;"], [0, "&larrfs;"], [0, "&rarrfs;"], [0, "&larrbfs;"], [0, "&rarrbfs;"], [2, "&nwarhk;"], [0, "&nearhk;"], [0, "&hksearow;"], [0, "&hkswarow;"], [0, "&nwnear;"], [0, "&nesear;"], [0, "&seswar;"], [0, "&swnwar;"], [8, { v: "&rarrc;", n: 824, o: "&nrarrc;" }], [1, "&cudarrr;"], [0, "&ldca;"], [0, "&rdca;"], [0, "&cudarrl;"], [0, "&larrpl;"], [2, "&curarrm;"], [0, "&cularrp;"], [7, "&rarrpl;"], [2, "&harrcir;"], [0, "&Uarrocir;"], [0, "&lurdshar;"], [0, "&ldrushar;"], [2, "&LeftRightVector;"], [0, "&RightUpDownVector;"], [0, "&DownLeftRightVector;"], [0, "&LeftUpDownVector;"], [0, "&LeftVectorBar;"], [0, "&RightVectorBar;"], [0, "&RightUpVectorBar;"], [0, "&RightDownVectorBar;"], [0, "&DownLeftVectorBar;"], [0, "&DownRightVectorBar;"], [0, "&LeftUpVectorBar;"], [0, "&LeftDownVectorBar;"], [0, "&LeftTeeVector;"], [0, "&RightTeeVector;"], [0, "&RightUpTeeVector;"], [0, "&RightDownTeeVector;"], [0, "&DownLeftTeeVector;"], [0, "&DownRightTeeVector;"], [0, "&LeftUpTeeVector;"], [0, "&LeftDownTeeVector;"], [0, "&lHar;"], [0, "&uHar;"], [0, "&rHar;"], [0, "&dHar;"], [0, "&luruhar;"], [0, "&ldrdhar;"], [0, "&ruluhar;"], [0, "&rdldhar;"], [0, "&lharul;"], [0, "&llhard;"], [0, "&rharul;"], [0, "&lrhard;"], [0, "&udhar;"], [0, "&duhar;"], [0, "&RoundImplies;"], [0, "&erarr;"], [0, "&simrarr;"], [0, "&larrsim;"], [0, "&rarrsim;"], [0, "&rarrap;"], [0, "&ltlarr;"], [1, "&gtrarr;"], [0, "&subrarr;"], [1, "&suplarr;"], [0, "&lfisht;"], [0, "&rfisht;"], [0, "&ufisht;"], [0, "&dfisht;"], [5, "&lopar;"], [0, "&ropar;"], [4, "&lbrke;"], [0, "&rbrke;"], [0, "&lbrkslu;"], [0, "&rbrksld;"], [0, "&lbrksld;"], [0, "&rbrkslu;"], [0, "&langd;"], [0, "&rangd;"], [0, "&lparlt;"], [0, "&rpargt;"], [0, "&gtlPar;"], [0, "&ltrPar;"], [3, "&vzigzag;"], [1, "&vangrt;"], [0, "&angrtvbd;"], [6, "&ange;"], [0, "&range;"], [0, "&dwangle;"], [0, "&uwangle;"], [0, "&angmsdaa;"], [0, "&angmsdab;"], [0, "&angmsdac;"], [0, "&angmsdad;"], [0, "&angmsdae;"], [0, "&angmsdaf;"], [0, "&angmsdag;"], [0, "&angmsdah;"], [0, "&bemptyv;"], [0, "&demptyv;"], [0, "&cemptyv;"], [0, "&raemptyv;"], [0, "&laemptyv;"], [0, "&ohbar;"], [0, "&omid;"], [0, "&opar;"], [1, "&operp;"], [1, "&olcross;"], [0, "&odsold;"], [1, "&olcir;"], [0, "&ofcir;"], [0, "&olt;"], [0, "&ogt;"], [0, "&cirscir;"], [0, "&cirE;"], [0, "&solb;"], [0, "&bsolb;"], [3, "&boxbox;"], [3, "&trisb;"], [0, "&rtriltri;"], [0, { v: "&LeftTriangleBar;", n: 824, o: "&NotLeftTriangleBar;" }], [0, { v: "&RightTriangleBar;", n: 824, o: "&NotRightTriangleBar;" }], [11, "&iinfin;"], [0, "&infintie;"], [0, "&nvinfin;"], [4, "&eparsl;"], [0, "&smeparsl;"], [0, "&eqvparsl;"], [5, "&blacklozenge;"], [8, "&RuleDelayed;"], [1, "&dsol;"], [9, "&bigodot;"], [0, "&bigoplus;"], [0, "&bigotimes;"], [1, "&biguplus;"], [1, "&bigsqcup;"], [5, "&iiiint;"], [0, "&fpartint;"], [2, "&cirfnint;"], [0, "&awint;"], [0, "&rppolint;"], [0, "&scpolint;"], [0, "&npolint;"], [0, "&pointint;"], [0, "&quatint;"], [0, "&intlarhk;"], [10, "&pluscir;"], [0, "&plusacir;"], [0, "&simplus;"], [0, "&plusdu;"], [0, "&plussim;"], [0, "&plustwo;"], [1, "&mcomma;"], [0, "&minusdu;"], [2, "&loplus;"], [0, "&roplus;"], [0, "&Cross;"], [0, "&timesd;"], [0, "&timesbar;"], [1, "&smashp;"], [0, "&lotimes;"], [0, "&rotimes;"], [0, "&otimesas;"], [0, "&Otimes;"], [0, "&odiv;"], [0, "&triplus;"], [0, "&triminus;"], [0, "&tritime;"], [0, "&intprod;"], [2, "&amalg;"], [0, "&capdot;"], [1, "&ncup;"], [0, "&ncap;"], [0, "&capand;"], [0, "&cupor;"], [0, "&cupcap;"], [0, "&capcup;"], [0, "&cupbrcap;"], [0, "&capbrcup;"], [0, "&cupcup;"], [0, "&capcap;"], [0, "&ccups;"], [0, "&ccaps;"], [2, "&ccupssm;"], [2, "&And;"], [0, "&Or;"], [0, "&andand;"], [0, "&oror;"], [0, "&orslope;"], [0, "&andslope;"], [1, "&andv;"], [0, "&orv;"], [0, "&andd;"], [0, "&ord;"], [1, "&wedbar;"], [6, "&sdote;"], [3, "&simdot;"], [2, { v: "&congdot;", n: 824, o: "&ncongdot;" }], [0, "&easter;"], [0, "&apacir;"], [0, { v: "&apE;", n: 824, o: "&napE;" }], [0, "&eplus;"], [0, "&pluse;"], [0, "&Esim;"], [0, "&Colone;"], [0, "&Equal;"], [1, "&ddotseq;"], [0, "&equivDD;"], [0, "&ltcir;"], [0, "&gtcir;"], [0, "&ltquest;"], [0, "&gtquest;"], [0, { v: "&leqslant;", n: 824, o: "&nleqslant;" }], [0, { v: "&geqslant;", n: 824, o: "&ngeqslant;" }], [0, "&lesdot;"], [0, "&gesdot;"], [0, "&lesdoto;"], [0, "&gesdoto;"], [0, "&lesdotor;"], [0, "&gesdotol;"], [0, "&lap;"], [0, "&gap;"], [0, "&lne;"], [0, "&gne;"], [0, "&lnap;"], [0, "&gnap;"], [0, "&lEg;"], [0, "&gEl;"], [0, "&lsime;"], [0, "&gsime;"], [0, "&lsimg;"], [0, "&gsiml;"], [0, "&lgE;"], [0, "&glE;"], [0, "&lesges;"], [0, "&gesles;"], [0, "&els;"], [0, "&egs;"], [0, "&elsdot;"], [0, "&egsdot;"], [0, "&el;"], [0, "&eg;"], [2, "&siml;"], [0, "&simg;"], [0, "&simlE;"], [0, "&simgE;"], [0, { v: "&LessLess;", n: 824, o: "&NotNestedLessLess;" }], [0, { v: "&GreaterGreater;", n: 824, o: "&NotNestedGreaterGreater;" }], [1, "&glj;"], [0, "&gla;"], [0, "&ltcc;"], [0, "&gtcc;"], [0, "&lescc;"], [0, "&gescc;"], [0, "&smt;"], [0, "&lat;"], [0, { v: "&smte;", n: 65024, o: "&smtes;" }], [0, { v: "&late;", n: 65024, o: "&lates;" }], [0, "&bumpE;"], [0, { v: "&PrecedesEqual;", n: 824, o: "&NotPrecedesEqual;" }], [0, { v: "&sce;", n: 824, o: "&NotSucceedsEqual;" }], [2, "&prE;"], [0, "&scE;"], [0, "&precneqq;"], [0, "&scnE;"], [0, "&prap;"], [0, "&scap;"], [0, "&precnapprox;"], [0, "&scnap;"], [0, "&Pr;"], [0, "&Sc;"], [0, "&subdot;"], [0, "&supdot;"], [0, "&subplus;"], [0, "&supplus;"], [0, "&submult;"], [0, "&supmult;"], [0, "&subedot;"], [0, "&supedot;"], [0, { v: "&subE;", n: 824, o: "&nsubE;" }], [0, { v: "&supE;", n: 824, o: "&nsupE;" }], [0, "&subsim;"], [0, "&supsim;"], [2, { v: "&subnE;", n: 65024, o: "&varsubsetneqq;" }], [0, { v: "&supnE;", n: 65024, o: "&varsupsetneqq;" }], [2, "&csub;"], [0, "&csup;"], [0, "&csube;"], [0, "&csupe;"], [0, "&subsup;"], [0, "&supsub;"], [0, "&subsub;"], [0, "&supsup;"], [0, "&suphsub;"], [0, "&supdsub;"], [0, "&forkv;"], [0, "&topfork;"], [0, "&mlcp;"], [8, "&Dashv;"], [1, "&Vdashl;"], [0, "&Barv;"], [0, "&vBar;"], [0, "&vBarv;"], [1, "&Vbar;"], [0, "&Not;"], [0, "&bNot;"], [0, "&rnmid;"], [0, "&cirmid;"], [0, "&midcir;"], [0, "&topcir;"], [0, "&nhpar;"], [0, "&parsim;"], [9, { v: "&parsl;", n: 8421, o: "&nparsl;" }], [44343, { n: new Map(/* #__PURE__ */ restoreDiff([[56476, "&Ascr;"], [1, "&Cscr;"], [0, "&Dscr;"], [2, "&Gscr;"], [2, "&Jscr;"], [0, "&Kscr;"], [2, "&Nscr;"], [0, "&Oscr;"], [0, "&Pscr;"], [0, "&Qscr;"], [1, "&Sscr;"], [0, "&Tscr;"], [0, "&Uscr;"], [0, "&Vscr;"], [0, "&Wscr;"], [0, "&Xscr;"], [0, "&Yscr;"], [0, "&Zscr;"], [0, "&ascr;"], [0, "&bscr;"], [0, "&cscr;"], [0, "&dscr;"], [1, "&fscr;"], [1, "&hscr;"], [0, "&iscr;"], [0, "&jscr;"], [0, "&kscr;"], [0, "&lscr;"], [0, "&mscr;"], [0, "&nscr;"], [1, "&pscr;"], [0, "&qscr;"], [0, "&rscr;"], [0, "&sscr;"], [0, "&tscr;"], [0, "&uscr;"], [0, "&vscr;"], [0, "&wscr;"], [0, "&xscr;"], [0, "&yscr;"], [0, "&zscr;"], [52, "&Afr;"], [0, "&Bfr;"], [1, "&Dfr;"], [0, "&Efr;"], [0, "&Ffr;"], [0, "&Gfr;"], [2, "&Jfr;"], [0, "&Kfr;"], [0, "&Lfr;"], [0, "&Mfr;"], [0, "&Nfr;"], [0, "&Ofr;"], [0, "&Pfr;"], [0, "&Qfr;"], [1, "&Sfr;"], [0, "&Tfr;"], [0, "&Ufr;"], [0, "&Vfr;"], [0, "&Wfr;"], [0, "&Xfr;"], [0, "&Yfr;"], [1, "&afr;"], [0, "&bfr;"], [0, "&cfr;"], [0, "&dfr;"], [0, "&efr;"], [0, "&ffr;"], [0, "&gfr;"], [0, "&hfr;"], [0, "&ifr;"], [0, "&jfr;"], [0, "&kfr;"], [0, "&lfr;"], [0, "&mfr;"], [0, "&nfr;"], [0, "&ofr;"], [0, "&pfr;"], [0, "&qfr;"], [0, "&rfr;"], [0, "&sfr;"], [0, "&tfr;"], [0, "&ufr;"], [0, "&vfr;"], [0, "&wfr;"], [0, "&xfr;"], [0, "&yfr;"], [0, "&zfr;"], [0, "&Aopf;"], [0, "&Bopf;"], [1, "&Dopf;"], [0, "&Eopf;"], [0, "&Fopf;"], [0, "&Gopf;"], [1, "&Iopf;"], [0, "&Jopf;"], [0, "&Kopf;"], [0, "&Lopf;"], [0, "&Mopf;"], [1, "&Oopf;"], [3, "&Sopf;"], [0, "&Topf;"], [0, "&Uopf;"], [0, "&Vopf;"], [0, "&Wopf;"], [0, "&Xopf;"], [0, "&Yopf;"], [1, "&aopf;"], [0, "&bopf;"], [0, "&copf;"], [0, "&dopf;"], [0, "&eopf;"], [0, "&fopf;"], [0, "&gopf;"], [0, "&hopf;"], [0, "&iopf;"], [0, "&jopf;"], [0, "&kopf;"], [0, "&lopf;"], [0, "&mopf;"], [0, "&nopf;"], [0, "&oopf;"], [0, "&popf;"], [0, "&qopf;"], [0, "&ropf;"], [0, "&sopf;"], [0, "&topf;"], [0, "&uopf;"], [0, "&vopf;"], [0, "&wopf;"], [0, "&xopf;"], [0, "&yopf;"], [0, "&zopf;"]])) }], [8906, "&fflig;"], [0, "&filig;"], [0, "&fllig;"], [0, "&ffilig;"], [0, "&ffllig;"]])));
//# sourceMappingURL=encode-html.js.map
;// CONCATENATED MODULE: ./node_modules/dom-serializer/node_modules/entities/lib/esm/escape.js
const escape_xmlReplacer = /["&'<>$\x80-\uFFFF]/g;
const xmlCodeMap = new Map([
    [34, "&quot;"],
    [38, "&amp;"],
    [39, "&apos;"],
    [60, "&lt;"],
    [62, "&gt;"],
]);
// For compatibility with node < 4, we wrap `codePointAt`
const escape_getCodePoint = 
// eslint-disable-next-line @typescript-eslint/no-unnecessary-condition
String.prototype.codePointAt != null
    ? (str, index) => str.codePointAt(index)
    : // http://mathiasbynens.be/notes/javascript-encoding#surrogate-formulae
        (c, index) => (c.charCodeAt(index) & 0xfc00) === 0xd800
            ? (c.charCodeAt(index) - 0xd800) * 0x400 +
                c.charCodeAt(index + 1) -
                0xdc00 +
                0x10000
            : c.charCodeAt(index);
/**
 * Encodes all non-ASCII characters, as well as characters not valid in XML
 * documents using XML entities.
 *
 * If a character has no equivalent entity, a
 * numeric hexadecimal reference (eg. `&#xfc;`) will be used.
 */
function escape_encodeXML(str) {
    let ret = "";
    let lastIdx = 0;
    let match;
    while ((match = escape_xmlReplacer.exec(str)) !== null) {
        const i = match.index;
        const char = str.charCodeAt(i);
        const next = xmlCodeMap.get(char);
        if (next !== undefined) {
            ret += str.substring(lastIdx, i) + next;
            lastIdx = i + 1;
        }
        else {
            ret += `${str.substring(lastIdx, i)}&#x${escape_getCodePoint(str, i).toString(16)};`;
            // Increase by 1 if we have a surrogate pair
            lastIdx = escape_xmlReplacer.lastIndex += Number((char & 0xfc00) === 0xd800);
        }
    }
    return ret + str.substr(lastIdx);
}
/**
 * Encodes all non-ASCII characters, as well as characters not valid in XML
 * documents using numeric hexadecimal reference (eg. `&#xfc;`).
 *
 * Have a look at `escapeUTF8` if you want a more concise output at the expense
 * of reduced transportability.
 *
 * @param data String to escape.
 */
const escape_escape = (/* unused pure expression or super */ null && (escape_encodeXML));
/**
 * Creates a function that escapes all characters matched by the given regular
 * expression using the given map of characters to escape to their entities.
 *
 * @param regex Regular expression to match characters to escape.
 * @param map Map of characters to escape to their entities.
 *
 * @returns Function that escapes all characters matched by the given regular
 * expression using the given map of characters to escape to their entities.
 */
function getEscaper(regex, map) {
    return function escape(data) {
        let match;
        let lastIdx = 0;
        let result = "";
        while ((match = regex.exec(data))) {
            if (lastIdx !== match.index) {
                result += data.substring(lastIdx, match.index);
            }
            // We know that this character will be in the map.
            result += map.get(match[0].charCodeAt(0));
            // Every match will be of length 1
            lastIdx = match.index + 1;
        }
        return result + data.substring(lastIdx);
    };
}
/**
 * Encodes all characters not valid in XML documents using XML entities.
 *
 * Note that the output will be character-set dependent.
 *
 * @param data String to escape.
 */
const escape_escapeUTF8 = getEscaper(/[&<>'"]/g, xmlCodeMap);
/**
 * Encodes all characters that have to be escaped in HTML attributes,
 * following {@link https://html.spec.whatwg.org/multipage/parsing.html#escapingString}.
 *
 * @param data String to escape.
 */
const escape_escapeAttribute = getEscaper(/["&\u00A0]/g, new Map([
    [34, "&quot;"],
    [38, "&amp;"],
    [160, "&nbsp;"],
]));
/**
 * Encodes all characters that have to be escaped in HTML text,
 * following {@link https://html.spec.whatwg.org/multipage/parsing.html#escapingString}.
 *
 * @param data String to escape.
 */
const escape_escapeText = getEscaper(/[&<>\u00A0]/g, new Map([
    [38, "&amp;"],
    [60, "&lt;"],
    [62, "&gt;"],
    [160, "&nbsp;"],
]));
//# sourceMappingURL=escape.js.map
;// CONCATENATED MODULE: ./node_modules/dom-serializer/node_modules/entities/lib/esm/encode.js


const htmlReplacer = /[\t\n!-,./:-@[-`\f{-}$\x80-\uFFFF]/g;
/**
 * Encodes all characters in the input using HTML entities. This includes
 * characters that are valid ASCII characters in HTML documents, such as `#`.
 *
 * To get a more compact output, consider using the `encodeNonAsciiHTML`
 * function, which will only encode characters that are not valid in HTML
 * documents, as well as non-ASCII characters.
 *
 * If a character has no equivalent entity, a numeric hexadecimal reference
 * (eg. `&#xfc;`) will be used.
 */
function encode_encodeHTML(data) {
    return encodeHTMLTrieRe(htmlReplacer, data);
}
/**
 * Encodes all non-ASCII characters, as well as characters not valid in HTML
 * documents using HTML entities. This function will not encode characters that
 * are valid in HTML documents, such as `#`.
 *
 * If a character has no equivalent entity, a numeric hexadecimal reference
 * (eg. `&#xfc;`) will be used.
 */
function encode_encodeNonAsciiHTML(data) {
    return encodeHTMLTrieRe(xmlReplacer, data);
}
function encodeHTMLTrieRe(regExp, str) {
    let ret = "";
    let lastIdx = 0;
    let match;
    while ((match = regExp.exec(str)) !== null) {
        const i = match.index;
        ret += str.substring(lastIdx, i);
        const char = str.charCodeAt(i);
        let next = htmlTrie.get(char);
        if (typeof next === "object") {
            // We are in a branch. Try to match the next char.
            if (i + 1 < str.length) {
                const nextChar = str.charCodeAt(i + 1);
                const value = typeof next.n === "number"
                    ? next.n === nextChar
                        ? next.o
                        : undefined
                    : next.n.get(nextChar);
                if (value !== undefined) {
                    ret += value;
                    lastIdx = regExp.lastIndex += 1;
                    continue;
                }
            }
            next = next.v;
        }
        // We might have a tree node without a value; skip and use a numeric entity.
        if (next !== undefined) {
            ret += next;
            lastIdx = i + 1;
        }
        else {
            const cp = getCodePoint(str, i);
            ret += `&#x${cp.toString(16)};`;
            // Increase by 1 if we have a surrogate pair
            lastIdx = regExp.lastIndex += Number(cp !== char);
        }
    }
    return ret + str.substr(lastIdx);
}
//# sourceMappingURL=encode.js.map
;// CONCATENATED MODULE: ./node_modules/dom-serializer/node_modules/entities/lib/esm/index.js



/** The level of entities to support. */
var EntityLevel;
(function (EntityLevel) {
    /** Support only XML entities. */
    EntityLevel[EntityLevel["XML"] = 0] = "XML";
    /** Support HTML entities, which are a superset of XML entities. */
    EntityLevel[EntityLevel["HTML"] = 1] = "HTML";
})(EntityLevel || (EntityLevel = {}));
var EncodingMode;
(function (EncodingMode) {
    /**
     * The output is UTF-8 encoded. Only characters that need escaping within
     * XML will be escaped.
     */
    EncodingMode[EncodingMode["UTF8"] = 0] = "UTF8";
    /**
     * The output consists only of ASCII characters. Characters that need
     * escaping within HTML, and characters that aren't ASCII characters will
     * be escaped.
     */
    EncodingMode[EncodingMode["ASCII"] = 1] = "ASCII";
    /**
     * Encode all characters that have an equivalent entity, as well as all
     * characters that are not ASCII characters.
     */
    EncodingMode[EncodingMode["Extensive"] = 2] = "Extensive";
    /**
     * Encode all characters that have to be escaped in HTML attributes,
     * following {@link https://html.spec.whatwg.org/multipage/parsing.html#escapingString}.
     */
    EncodingMode[EncodingMode["Attribute"] = 3] = "Attribute";
    /**
     * Encode all characters that have to be escaped in HTML text,
     * following {@link https://html.spec.whatwg.org/multipage/parsing.html#escapingString}.
     */
    EncodingMode[EncodingMode["Text"] = 4] = "Text";
})(EncodingMode || (EncodingMode = {}));
/**
 * Decodes a string with entities.
 *
 * @param data String to decode.
 * @param options Decoding options.
 */
function decode(data, options = EntityLevel.XML) {
    const level = typeof options === "number" ? options : options.level;
    if (level === EntityLevel.HTML) {
        const mode = typeof options === "object" ? options.mode : undefined;
        return decodeHTML(data, mode);
    }
    return decodeXML(data);
}
/**
 * Decodes a string with entities. Does not allow missing trailing semicolons for entities.
 *
 * @param data String to decode.
 * @param options Decoding options.
 * @deprecated Use `decode` with the `mode` set to `Strict`.
 */
function decodeStrict(data, options = EntityLevel.XML) {
    var _a;
    const opts = typeof options === "number" ? { level: options } : options;
    (_a = opts.mode) !== null && _a !== void 0 ? _a : (opts.mode = DecodingMode.Strict);
    return decode(data, opts);
}
/**
 * Encodes a string with entities.
 *
 * @param data String to encode.
 * @param options Encoding options.
 */
function encode(data, options = EntityLevel.XML) {
    const opts = typeof options === "number" ? { level: options } : options;
    // Mode `UTF8` just escapes XML entities
    if (opts.mode === EncodingMode.UTF8)
        return escapeUTF8(data);
    if (opts.mode === EncodingMode.Attribute)
        return escapeAttribute(data);
    if (opts.mode === EncodingMode.Text)
        return escapeText(data);
    if (opts.level === EntityLevel.HTML) {
        if (opts.mode === EncodingMode.ASCII) {
            return encodeNonAsciiHTML(data);
        }
        return encodeHTML(data);
    }
    // ASCII and Extensive are equivalent
    return encodeXML(data);
}



//# sourceMappingURL=index.js.map
;// CONCATENATED MODULE: ./node_modules/dom-serializer/lib/esm/foreignNames.js
const foreignNames_elementNames = new Map([
    "altGlyph",
    "altGlyphDef",
    "altGlyphItem",
    "animateColor",
    "animateMotion",
    "animateTransform",
    "clipPath",
    "feBlend",
    "feColorMatrix",
    "feComponentTransfer",
    "feComposite",
    "feConvolveMatrix",
    "feDiffuseLighting",
    "feDisplacementMap",
    "feDistantLight",
    "feDropShadow",
    "feFlood",
    "feFuncA",
    "feFuncB",
    "feFuncG",
    "feFuncR",
    "feGaussianBlur",
    "feImage",
    "feMerge",
    "feMergeNode",
    "feMorphology",
    "feOffset",
    "fePointLight",
    "feSpecularLighting",
    "feSpotLight",
    "feTile",
    "feTurbulence",
    "foreignObject",
    "glyphRef",
    "linearGradient",
    "radialGradient",
    "textPath",
].map((val) => [val.toLowerCase(), val]));
const foreignNames_attributeNames = new Map([
    "definitionURL",
    "attributeName",
    "attributeType",
    "baseFrequency",
    "baseProfile",
    "calcMode",
    "clipPathUnits",
    "diffuseConstant",
    "edgeMode",
    "filterUnits",
    "glyphRef",
    "gradientTransform",
    "gradientUnits",
    "kernelMatrix",
    "kernelUnitLength",
    "keyPoints",
    "keySplines",
    "keyTimes",
    "lengthAdjust",
    "limitingConeAngle",
    "markerHeight",
    "markerUnits",
    "markerWidth",
    "maskContentUnits",
    "maskUnits",
    "numOctaves",
    "pathLength",
    "patternContentUnits",
    "patternTransform",
    "patternUnits",
    "pointsAtX",
    "pointsAtY",
    "pointsAtZ",
    "preserveAlpha",
    "preserveAspectRatio",
    "primitiveUnits",
    "refX",
    "refY",
    "repeatCount",
    "repeatDur",
    "requiredExtensions",
    "requiredFeatures",
    "specularConstant",
    "specularExponent",
    "spreadMethod",
    "startOffset",
    "stdDeviation",
    "stitchTiles",
    "surfaceScale",
    "systemLanguage",
    "tableValues",
    "targetX",
    "targetY",
    "textLength",
    "viewBox",
    "viewTarget",
    "xChannelSelector",
    "yChannelSelector",
    "zoomAndPan",
].map((val) => [val.toLowerCase(), val]));

;// CONCATENATED MODULE: ./node_modules/dom-serializer/lib/esm/index.js
/*
 * Module dependencies
 */


/**
 * Mixed-case SVG and MathML tags & attributes
 * recognized by the HTML parser.
 *
 * @see https://html.spec.whatwg.org/multipage/parsing.html#parsing-main-inforeign
 */

const unencodedElements = new Set([
    "style",
    "script",
    "xmp",
    "iframe",
    "noembed",
    "noframes",
    "plaintext",
    "noscript",
]);
function replaceQuotes(value) {
    return value.replace(/"/g, "&quot;");
}
/**
 * Format attributes
 */
function formatAttributes(attributes, opts) {
    var _a;
    if (!attributes)
        return;
    const encode = ((_a = opts.encodeEntities) !== null && _a !== void 0 ? _a : opts.decodeEntities) === false
        ? replaceQuotes
        : opts.xmlMode || opts.encodeEntities !== "utf8"
            ? encodeXML
            : escapeAttribute;
    return Object.keys(attributes)
        .map((key) => {
        var _a, _b;
        const value = (_a = attributes[key]) !== null && _a !== void 0 ? _a : "";
        if (opts.xmlMode === "foreign") {
            /* Fix up mixed-case attribute names */
            key = (_b = attributeNames.get(key)) !== null && _b !== void 0 ? _b : key;
        }
        if (!opts.emptyAttrs && !opts.xmlMode && value === "") {
            return key;
        }
        return `${key}="${encode(value)}"`;
    })
        .join(" ");
}
/**
 * Self-enclosing tags
 */
const singleTag = new Set([
    "area",
    "base",
    "basefont",
    "br",
    "col",
    "command",
    "embed",
    "frame",
    "hr",
    "img",
    "input",
    "isindex",
    "keygen",
    "link",
    "meta",
    "param",
    "source",
    "track",
    "wbr",
]);
/**
 * Renders a DOM node or an array of DOM nodes to a string.
 *
 * Can be thought of as the equivalent of the `outerHTML` of the passed node(s).
 *
 * @param node Node to be rendered.
 * @param options Changes serialization behavior
 */
function render(node, options = {}) {
    const nodes = "length" in node ? node : [node];
    let output = "";
    for (let i = 0; i < nodes.length; i++) {
        output += renderNode(nodes[i], options);
    }
    return output;
}
/* harmony default export */ const lib_esm = ((/* unused pure expression or super */ null && (render)));
function renderNode(node, options) {
    switch (node.type) {
        case ElementType.Root:
            return render(node.children, options);
        // @ts-expect-error We don't use `Doctype` yet
        case ElementType.Doctype:
        case ElementType.Directive:
            return renderDirective(node);
        case ElementType.Comment:
            return renderComment(node);
        case ElementType.CDATA:
            return renderCdata(node);
        case ElementType.Script:
        case ElementType.Style:
        case ElementType.Tag:
            return renderTag(node, options);
        case ElementType.Text:
            return renderText(node, options);
    }
}
const foreignModeIntegrationPoints = new Set([
    "mi",
    "mo",
    "mn",
    "ms",
    "mtext",
    "annotation-xml",
    "foreignObject",
    "desc",
    "title",
]);
const foreignElements = new Set(["svg", "math"]);
function renderTag(elem, opts) {
    var _a;
    // Handle SVG / MathML in HTML
    if (opts.xmlMode === "foreign") {
        /* Fix up mixed-case element names */
        elem.name = (_a = elementNames.get(elem.name)) !== null && _a !== void 0 ? _a : elem.name;
        /* Exit foreign mode at integration points */
        if (elem.parent &&
            foreignModeIntegrationPoints.has(elem.parent.name)) {
            opts = { ...opts, xmlMode: false };
        }
    }
    if (!opts.xmlMode && foreignElements.has(elem.name)) {
        opts = { ...opts, xmlMode: "foreign" };
    }
    let tag = `<${elem.name}`;
    const attribs = formatAttributes(elem.attribs, opts);
    if (attribs) {
        tag += ` ${attribs}`;
    }
    if (elem.children.length === 0 &&
        (opts.xmlMode
            ? // In XML mode or foreign mode, and user hasn't explicitly turned off self-closing tags
                opts.selfClosingTags !== false
            : // User explicitly asked for self-closing tags, even in HTML mode
                opts.selfClosingTags && singleTag.has(elem.name))) {
        if (!opts.xmlMode)
            tag += " ";
        tag += "/>";
    }
    else {
        tag += ">";
        if (elem.children.length > 0) {
            tag += render(elem.children, opts);
        }
        if (opts.xmlMode || !singleTag.has(elem.name)) {
            tag += `</${elem.name}>`;
        }
    }
    return tag;
}
function renderDirective(elem) {
    return `<${elem.data}>`;
}
function renderText(elem, opts) {
    var _a;
    let data = elem.data || "";
    // If entities weren't decoded, no need to encode them back
    if (((_a = opts.encodeEntities) !== null && _a !== void 0 ? _a : opts.decodeEntities) !== false &&
        !(!opts.xmlMode &&
            elem.parent &&
            unencodedElements.has(elem.parent.name))) {
        data =
            opts.xmlMode || opts.encodeEntities !== "utf8"
                ? encodeXML(data)
                : escapeText(data);
    }
    return data;
}
function renderCdata(elem) {
    return `<![CDATA[${elem.children[0].data}]]>`;
}
function renderComment(elem) {
    return `<!--${elem.data}-->`;
}

;// CONCATENATED MODULE: ./node_modules/domutils/lib/esm/stringify.js



/**
 * @category Stringify
 * @deprecated Use the `dom-serializer` module directly.
 * @param node Node to get the outer HTML of.
 * @param options Options for serialization.
 * @returns `node`'s outer HTML.
 */
function getOuterHTML(node, options) {
    return renderHTML(node, options);
}
/**
 * @category Stringify
 * @deprecated Use the `dom-serializer` module directly.
 * @param node Node to get the inner HTML of.
 * @param options Options for serialization.
 * @returns `node`'s inner HTML.
 */
function getInnerHTML(node, options) {
    return hasChildren(node)
        ? node.children.map((node) => getOuterHTML(node, options)).join("")
        : "";
}
/**
 * Get a node's inner text. Same as `textContent`, but inserts newlines for `<br>` tags. Ignores comments.
 *
 * @category Stringify
 * @deprecated Use `textContent` instead.
 * @param node Node to get the inner text of.
 * @returns `node`'s inner text.
 */
function getText(node) {
    if (Array.isArray(node))
        return node.map(getText).join("");
    if (isTag(node))
        return node.name === "br" ? "\n" : getText(node.children);
    if (isCDATA(node))
        return getText(node.children);
    if (isText(node))
        return node.data;
    return "";
}
/**
 * Get a node's text content. Ignores comments.
 *
 * @category Stringify
 * @param node Node to get the text content of.
 * @returns `node`'s text content.
 * @see {@link https://developer.mozilla.org/en-US/docs/Web/API/Node/textContent}
 */
function stringify_textContent(node) {
    if (Array.isArray(node))
        return node.map(stringify_textContent).join("");
    if (hasChildren(node) && !isComment(node)) {
        return stringify_textContent(node.children);
    }
    if (isText(node))
        return node.data;
    return "";
}
/**
 * Get a node's inner text, ignoring `<script>` and `<style>` tags. Ignores comments.
 *
 * @category Stringify
 * @param node Node to get the inner text of.
 * @returns `node`'s inner text.
 * @see {@link https://developer.mozilla.org/en-US/docs/Web/API/Node/innerText}
 */
function innerText(node) {
    if (Array.isArray(node))
        return node.map(innerText).join("");
    if (hasChildren(node) && (node.type === ElementType.Tag || isCDATA(node))) {
        return innerText(node.children);
    }
    if (isText(node))
        return node.data;
    return "";
}
//# sourceMappingURL=stringify.js.map
;// CONCATENATED MODULE: ./node_modules/domutils/lib/esm/traversal.js

/**
 * Get a node's children.
 *
 * @category Traversal
 * @param elem Node to get the children of.
 * @returns `elem`'s children, or an empty array.
 */
function getChildren(elem) {
    return hasChildren(elem) ? elem.children : [];
}
/**
 * Get a node's parent.
 *
 * @category Traversal
 * @param elem Node to get the parent of.
 * @returns `elem`'s parent node, or `null` if `elem` is a root node.
 */
function getParent(elem) {
    return elem.parent || null;
}
/**
 * Gets an elements siblings, including the element itself.
 *
 * Attempts to get the children through the element's parent first. If we don't
 * have a parent (the element is a root node), we walk the element's `prev` &
 * `next` to get all remaining nodes.
 *
 * @category Traversal
 * @param elem Element to get the siblings of.
 * @returns `elem`'s siblings, including `elem`.
 */
function getSiblings(elem) {
    const parent = getParent(elem);
    if (parent != null)
        return getChildren(parent);
    const siblings = [elem];
    let { prev, next } = elem;
    while (prev != null) {
        siblings.unshift(prev);
        ({ prev } = prev);
    }
    while (next != null) {
        siblings.push(next);
        ({ next } = next);
    }
    return siblings;
}
/**
 * Gets an attribute from an element.
 *
 * @category Traversal
 * @param elem Element to check.
 * @param name Attribute name to retrieve.
 * @returns The element's attribute value, or `undefined`.
 */
function getAttributeValue(elem, name) {
    var _a;
    return (_a = elem.attribs) === null || _a === void 0 ? void 0 : _a[name];
}
/**
 * Checks whether an element has an attribute.
 *
 * @category Traversal
 * @param elem Element to check.
 * @param name Attribute name to look for.
 * @returns Returns whether `elem` has the attribute `name`.
 */
function hasAttrib(elem, name) {
    return (elem.attribs != null &&
        Object.prototype.hasOwnProperty.call(elem.attribs, name) &&
        elem.attribs[name] != null);
}
/**
 * Get the tag name of an element.
 *
 * @category Traversal
 * @param elem The element to get the name for.
 * @returns The tag name of `elem`.
 */
function getName(elem) {
    return elem.name;
}
/**
 * Returns the next element sibling of a node.
 *
 * @category Traversal
 * @param elem The element to get the next sibling of.
 * @returns `elem`'s next sibling that is a tag, or `null` if there is no next
 * sibling.
 */
function nextElementSibling(elem) {
    let { next } = elem;
    while (next !== null && !isTag(next))
        ({ next } = next);
    return next;
}
/**
 * Returns the previous element sibling of a node.
 *
 * @category Traversal
 * @param elem The element to get the previous sibling of.
 * @returns `elem`'s previous sibling that is a tag, or `null` if there is no
 * previous sibling.
 */
function prevElementSibling(elem) {
    let { prev } = elem;
    while (prev !== null && !isTag(prev))
        ({ prev } = prev);
    return prev;
}
//# sourceMappingURL=traversal.js.map
;// CONCATENATED MODULE: ./node_modules/domutils/lib/esm/querying.js

/**
 * Search a node and its children for nodes passing a test function. If `node` is not an array, it will be wrapped in one.
 *
 * @category Querying
 * @param test Function to test nodes on.
 * @param node Node to search. Will be included in the result set if it matches.
 * @param recurse Also consider child nodes.
 * @param limit Maximum number of nodes to return.
 * @returns All nodes passing `test`.
 */
function querying_filter(test, node, recurse = true, limit = Infinity) {
    return find(test, Array.isArray(node) ? node : [node], recurse, limit);
}
/**
 * Search an array of nodes and their children for nodes passing a test function.
 *
 * @category Querying
 * @param test Function to test nodes on.
 * @param nodes Array of nodes to search.
 * @param recurse Also consider child nodes.
 * @param limit Maximum number of nodes to return.
 * @returns All nodes passing `test`.
 */
function find(test, nodes, recurse, limit) {
    const result = [];
    /** Stack of the arrays we are looking at. */
    const nodeStack = [Array.isArray(nodes) ? nodes : [nodes]];
    /** Stack of the indices within the arrays. */
    const indexStack = [0];
    for (;;) {
        // First, check if the current array has any more elements to look at.
        if (indexStack[0] >= nodeStack[0].length) {
            // If we have no more arrays to look at, we are done.
            if (indexStack.length === 1) {
                return result;
            }
            // Otherwise, remove the current array from the stack.
            nodeStack.shift();
            indexStack.shift();
            // Loop back to the start to continue with the next array.
            continue;
        }
        const elem = nodeStack[0][indexStack[0]++];
        if (test(elem)) {
            result.push(elem);
            if (--limit <= 0)
                return result;
        }
        if (recurse && hasChildren(elem) && elem.children.length > 0) {
            /*
             * Add the children to the stack. We are depth-first, so this is
             * the next array we look at.
             */
            indexStack.unshift(0);
            nodeStack.unshift(elem.children);
        }
    }
}
/**
 * Finds the first element inside of an array that matches a test function. This is an alias for `Array.prototype.find`.
 *
 * @category Querying
 * @param test Function to test nodes on.
 * @param nodes Array of nodes to search.
 * @returns The first node in the array that passes `test`.
 * @deprecated Use `Array.prototype.find` directly.
 */
function findOneChild(test, nodes) {
    return nodes.find(test);
}
/**
 * Finds one element in a tree that passes a test.
 *
 * @category Querying
 * @param test Function to test nodes on.
 * @param nodes Node or array of nodes to search.
 * @param recurse Also consider child nodes.
 * @returns The first node that passes `test`.
 */
function querying_findOne(test, nodes, recurse = true) {
    const searchedNodes = Array.isArray(nodes) ? nodes : [nodes];
    for (let i = 0; i < searchedNodes.length; i++) {
        const node = searchedNodes[i];
        if (isTag(node) && test(node)) {
            return node;
        }
        if (recurse && hasChildren(node) && node.children.length > 0) {
            const found = querying_findOne(test, node.children, true);
            if (found)
                return found;
        }
    }
    return null;
}
/**
 * Checks if a tree of nodes contains at least one node passing a test.
 *
 * @category Querying
 * @param test Function to test nodes on.
 * @param nodes Array of nodes to search.
 * @returns Whether a tree of nodes contains at least one node passing the test.
 */
function existsOne(test, nodes) {
    return (Array.isArray(nodes) ? nodes : [nodes]).some((node) => (isTag(node) && test(node)) ||
        (hasChildren(node) && existsOne(test, node.children)));
}
/**
 * Search an array of nodes and their children for elements passing a test function.
 *
 * Same as `find`, but limited to elements and with less options, leading to reduced complexity.
 *
 * @category Querying
 * @param test Function to test nodes on.
 * @param nodes Array of nodes to search.
 * @returns All nodes passing `test`.
 */
function findAll(test, nodes) {
    const result = [];
    const nodeStack = [Array.isArray(nodes) ? nodes : [nodes]];
    const indexStack = [0];
    for (;;) {
        if (indexStack[0] >= nodeStack[0].length) {
            if (nodeStack.length === 1) {
                return result;
            }
            // Otherwise, remove the current array from the stack.
            nodeStack.shift();
            indexStack.shift();
            // Loop back to the start to continue with the next array.
            continue;
        }
        const elem = nodeStack[0][indexStack[0]++];
        if (isTag(elem) && test(elem))
            result.push(elem);
        if (hasChildren(elem) && elem.children.length > 0) {
            indexStack.unshift(0);
            nodeStack.unshift(elem.children);
        }
    }
}
//# sourceMappingURL=querying.js.map
;// CONCATENATED MODULE: ./node_modules/domutils/lib/esm/legacy.js


/**
 * A map of functions to check nodes against.
 */
const Checks = {
    tag_name(name) {
        if (typeof name === "function") {
            return (elem) => node_isTag(elem) && name(elem.name);
        }
        else if (name === "*") {
            return node_isTag;
        }
        return (elem) => node_isTag(elem) && elem.name === name;
    },
    tag_type(type) {
        if (typeof type === "function") {
            return (elem) => type(elem.type);
        }
        return (elem) => elem.type === type;
    },
    tag_contains(data) {
        if (typeof data === "function") {
            return (elem) => node_isText(elem) && data(elem.data);
        }
        return (elem) => node_isText(elem) && elem.data === data;
    },
};
/**
 * Returns a function to check whether a node has an attribute with a particular
 * value.
 *
 * @param attrib Attribute to check.
 * @param value Attribute value to look for.
 * @returns A function to check whether the a node has an attribute with a
 *   particular value.
 */
function getAttribCheck(attrib, value) {
    if (typeof value === "function") {
        return (elem) => isTag(elem) && value(elem.attribs[attrib]);
    }
    return (elem) => isTag(elem) && elem.attribs[attrib] === value;
}
/**
 * Returns a function that returns `true` if either of the input functions
 * returns `true` for a node.
 *
 * @param a First function to combine.
 * @param b Second function to combine.
 * @returns A function taking a node and returning `true` if either of the input
 *   functions returns `true` for the node.
 */
function combineFuncs(a, b) {
    return (elem) => a(elem) || b(elem);
}
/**
 * Returns a function that executes all checks in `options` and returns `true`
 * if any of them match a node.
 *
 * @param options An object describing nodes to look for.
 * @returns A function that executes all checks in `options` and returns `true`
 *   if any of them match a node.
 */
function compileTest(options) {
    const funcs = Object.keys(options).map((key) => {
        const value = options[key];
        return Object.prototype.hasOwnProperty.call(Checks, key)
            ? Checks[key](value)
            : getAttribCheck(key, value);
    });
    return funcs.length === 0 ? null : funcs.reduce(combineFuncs);
}
/**
 * Checks whether a node matches the description in `options`.
 *
 * @category Legacy Query Functions
 * @param options An object describing nodes to look for.
 * @param node The element to test.
 * @returns Whether the element matches the description in `options`.
 */
function testElement(options, node) {
    const test = compileTest(options);
    return test ? test(node) : true;
}
/**
 * Returns all nodes that match `options`.
 *
 * @category Legacy Query Functions
 * @param options An object describing nodes to look for.
 * @param nodes Nodes to search through.
 * @param recurse Also consider child nodes.
 * @param limit Maximum number of nodes to return.
 * @returns All nodes that match `options`.
 */
function getElements(options, nodes, recurse, limit = Infinity) {
    const test = compileTest(options);
    return test ? filter(test, nodes, recurse, limit) : [];
}
/**
 * Returns the node with the supplied ID.
 *
 * @category Legacy Query Functions
 * @param id The unique ID attribute value to look for.
 * @param nodes Nodes to search through.
 * @param recurse Also consider child nodes.
 * @returns The node with the supplied ID.
 */
function getElementById(id, nodes, recurse = true) {
    if (!Array.isArray(nodes))
        nodes = [nodes];
    return findOne(getAttribCheck("id", id), nodes, recurse);
}
/**
 * Returns all nodes with the supplied `tagName`.
 *
 * @category Legacy Query Functions
 * @param tagName Tag name to search for.
 * @param nodes Nodes to search through.
 * @param recurse Also consider child nodes.
 * @param limit Maximum number of nodes to return.
 * @returns All nodes with the supplied `tagName`.
 */
function legacy_getElementsByTagName(tagName, nodes, recurse = true, limit = Infinity) {
    return filter(Checks["tag_name"](tagName), nodes, recurse, limit);
}
/**
 * Returns all nodes with the supplied `className`.
 *
 * @category Legacy Query Functions
 * @param className Class name to search for.
 * @param nodes Nodes to search through.
 * @param recurse Also consider child nodes.
 * @param limit Maximum number of nodes to return.
 * @returns All nodes with the supplied `className`.
 */
function getElementsByClassName(className, nodes, recurse = true, limit = Infinity) {
    return filter(getAttribCheck("class", className), nodes, recurse, limit);
}
/**
 * Returns all nodes with the supplied `type`.
 *
 * @category Legacy Query Functions
 * @param type Element type to look for.
 * @param nodes Nodes to search through.
 * @param recurse Also consider child nodes.
 * @param limit Maximum number of nodes to return.
 * @returns All nodes with the supplied `type`.
 */
function getElementsByTagType(type, nodes, recurse = true, limit = Infinity) {
    return filter(Checks["tag_type"](type), nodes, recurse, limit);
}
//# sourceMappingURL=legacy.js.map
;// CONCATENATED MODULE: ./node_modules/domutils/lib/esm/helpers.js

/**
 * Given an array of nodes, remove any member that is contained by another
 * member.
 *
 * @category Helpers
 * @param nodes Nodes to filter.
 * @returns Remaining nodes that aren't contained by other nodes.
 */
function removeSubsets(nodes) {
    let idx = nodes.length;
    /*
     * Check if each node (or one of its ancestors) is already contained in the
     * array.
     */
    while (--idx >= 0) {
        const node = nodes[idx];
        /*
         * Remove the node if it is not unique.
         * We are going through the array from the end, so we only
         * have to check nodes that preceed the node under consideration in the array.
         */
        if (idx > 0 && nodes.lastIndexOf(node, idx - 1) >= 0) {
            nodes.splice(idx, 1);
            continue;
        }
        for (let ancestor = node.parent; ancestor; ancestor = ancestor.parent) {
            if (nodes.includes(ancestor)) {
                nodes.splice(idx, 1);
                break;
            }
        }
    }
    return nodes;
}
/**
 * @category Helpers
 * @see {@link http://dom.spec.whatwg.org/#dom-node-comparedocumentposition}
 */
var DocumentPosition;
(function (DocumentPosition) {
    DocumentPosition[DocumentPosition["DISCONNECTED"] = 1] = "DISCONNECTED";
    DocumentPosition[DocumentPosition["PRECEDING"] = 2] = "PRECEDING";
    DocumentPosition[DocumentPosition["FOLLOWING"] = 4] = "FOLLOWING";
    DocumentPosition[DocumentPosition["CONTAINS"] = 8] = "CONTAINS";
    DocumentPosition[DocumentPosition["CONTAINED_BY"] = 16] = "CONTAINED_BY";
})(DocumentPosition || (DocumentPosition = {}));
/**
 * Compare the position of one node against another node in any other document,
 * returning a bitmask with the values from {@link DocumentPosition}.
 *
 * Document order:
 * > There is an ordering, document order, defined on all the nodes in the
 * > document corresponding to the order in which the first character of the
 * > XML representation of each node occurs in the XML representation of the
 * > document after expansion of general entities. Thus, the document element
 * > node will be the first node. Element nodes occur before their children.
 * > Thus, document order orders element nodes in order of the occurrence of
 * > their start-tag in the XML (after expansion of entities). The attribute
 * > nodes of an element occur after the element and before its children. The
 * > relative order of attribute nodes is implementation-dependent.
 *
 * Source:
 * http://www.w3.org/TR/DOM-Level-3-Core/glossary.html#dt-document-order
 *
 * @category Helpers
 * @param nodeA The first node to use in the comparison
 * @param nodeB The second node to use in the comparison
 * @returns A bitmask describing the input nodes' relative position.
 *
 * See http://dom.spec.whatwg.org/#dom-node-comparedocumentposition for
 * a description of these values.
 */
function compareDocumentPosition(nodeA, nodeB) {
    const aParents = [];
    const bParents = [];
    if (nodeA === nodeB) {
        return 0;
    }
    let current = hasChildren(nodeA) ? nodeA : nodeA.parent;
    while (current) {
        aParents.unshift(current);
        current = current.parent;
    }
    current = hasChildren(nodeB) ? nodeB : nodeB.parent;
    while (current) {
        bParents.unshift(current);
        current = current.parent;
    }
    const maxIdx = Math.min(aParents.length, bParents.length);
    let idx = 0;
    while (idx < maxIdx && aParents[idx] === bParents[idx]) {
        idx++;
    }
    if (idx === 0) {
        return DocumentPosition.DISCONNECTED;
    }
    const sharedParent = aParents[idx - 1];
    const siblings = sharedParent.children;
    const aSibling = aParents[idx];
    const bSibling = bParents[idx];
    if (siblings.indexOf(aSibling) > siblings.indexOf(bSibling)) {
        if (sharedParent === nodeB) {
            return DocumentPosition.FOLLOWING | DocumentPosition.CONTAINED_BY;
        }
        return DocumentPosition.FOLLOWING;
    }
    if (sharedParent === nodeA) {
        return DocumentPosition.PRECEDING | DocumentPosition.CONTAINS;
    }
    return DocumentPosition.PRECEDING;
}
/**
 * Sort an array of nodes based on their relative position in the document,
 * removing any duplicate nodes. If the array contains nodes that do not belong
 * to the same document, sort order is unspecified.
 *
 * @category Helpers
 * @param nodes Array of DOM nodes.
 * @returns Collection of unique nodes, sorted in document order.
 */
function uniqueSort(nodes) {
    nodes = nodes.filter((node, i, arr) => !arr.includes(node, i + 1));
    nodes.sort((a, b) => {
        const relative = compareDocumentPosition(a, b);
        if (relative & DocumentPosition.PRECEDING) {
            return -1;
        }
        else if (relative & DocumentPosition.FOLLOWING) {
            return 1;
        }
        return 0;
    });
    return nodes;
}
//# sourceMappingURL=helpers.js.map
;// CONCATENATED MODULE: ./node_modules/domutils/lib/esm/feeds.js


/**
 * Get the feed object from the root of a DOM tree.
 *
 * @category Feeds
 * @param doc - The DOM to to extract the feed from.
 * @returns The feed.
 */
function feeds_getFeed(doc) {
    const feedRoot = getOneElement(isValidFeed, doc);
    return !feedRoot
        ? null
        : feedRoot.name === "feed"
            ? getAtomFeed(feedRoot)
            : getRssFeed(feedRoot);
}
/**
 * Parse an Atom feed.
 *
 * @param feedRoot The root of the feed.
 * @returns The parsed feed.
 */
function getAtomFeed(feedRoot) {
    var _a;
    const childs = feedRoot.children;
    const feed = {
        type: "atom",
        items: getElementsByTagName("entry", childs).map((item) => {
            var _a;
            const { children } = item;
            const entry = { media: getMediaElements(children) };
            addConditionally(entry, "id", "id", children);
            addConditionally(entry, "title", "title", children);
            const href = (_a = getOneElement("link", children)) === null || _a === void 0 ? void 0 : _a.attribs["href"];
            if (href) {
                entry.link = href;
            }
            const description = fetch("summary", children) || fetch("content", children);
            if (description) {
                entry.description = description;
            }
            const pubDate = fetch("updated", children);
            if (pubDate) {
                entry.pubDate = new Date(pubDate);
            }
            return entry;
        }),
    };
    addConditionally(feed, "id", "id", childs);
    addConditionally(feed, "title", "title", childs);
    const href = (_a = getOneElement("link", childs)) === null || _a === void 0 ? void 0 : _a.attribs["href"];
    if (href) {
        feed.link = href;
    }
    addConditionally(feed, "description", "subtitle", childs);
    const updated = fetch("updated", childs);
    if (updated) {
        feed.updated = new Date(updated);
    }
    addConditionally(feed, "author", "email", childs, true);
    return feed;
}
/**
 * Parse a RSS feed.
 *
 * @param feedRoot The root of the feed.
 * @returns The parsed feed.
 */
function getRssFeed(feedRoot) {
    var _a, _b;
    const childs = (_b = (_a = getOneElement("channel", feedRoot.children)) === null || _a === void 0 ? void 0 : _a.children) !== null && _b !== void 0 ? _b : [];
    const feed = {
        type: feedRoot.name.substr(0, 3),
        id: "",
        items: getElementsByTagName("item", feedRoot.children).map((item) => {
            const { children } = item;
            const entry = { media: getMediaElements(children) };
            addConditionally(entry, "id", "guid", children);
            addConditionally(entry, "title", "title", children);
            addConditionally(entry, "link", "link", children);
            addConditionally(entry, "description", "description", children);
            const pubDate = fetch("pubDate", children) || fetch("dc:date", children);
            if (pubDate)
                entry.pubDate = new Date(pubDate);
            return entry;
        }),
    };
    addConditionally(feed, "title", "title", childs);
    addConditionally(feed, "link", "link", childs);
    addConditionally(feed, "description", "description", childs);
    const updated = fetch("lastBuildDate", childs);
    if (updated) {
        feed.updated = new Date(updated);
    }
    addConditionally(feed, "author", "managingEditor", childs, true);
    return feed;
}
const MEDIA_KEYS_STRING = (/* unused pure expression or super */ null && (["url", "type", "lang"]));
const MEDIA_KEYS_INT = (/* unused pure expression or super */ null && ([
    "fileSize",
    "bitrate",
    "framerate",
    "samplingrate",
    "channels",
    "duration",
    "height",
    "width",
]));
/**
 * Get all media elements of a feed item.
 *
 * @param where Nodes to search in.
 * @returns Media elements.
 */
function getMediaElements(where) {
    return getElementsByTagName("media:content", where).map((elem) => {
        const { attribs } = elem;
        const media = {
            medium: attribs["medium"],
            isDefault: !!attribs["isDefault"],
        };
        for (const attrib of MEDIA_KEYS_STRING) {
            if (attribs[attrib]) {
                media[attrib] = attribs[attrib];
            }
        }
        for (const attrib of MEDIA_KEYS_INT) {
            if (attribs[attrib]) {
                media[attrib] = parseInt(attribs[attrib], 10);
            }
        }
        if (attribs["expression"]) {
            media.expression = attribs["expression"];
        }
        return media;
    });
}
/**
 * Get one element by tag name.
 *
 * @param tagName Tag name to look for
 * @param node Node to search in
 * @returns The element or null
 */
function getOneElement(tagName, node) {
    return getElementsByTagName(tagName, node, true, 1)[0];
}
/**
 * Get the text content of an element with a certain tag name.
 *
 * @param tagName Tag name to look for.
 * @param where Node to search in.
 * @param recurse Whether to recurse into child nodes.
 * @returns The text content of the element.
 */
function fetch(tagName, where, recurse = false) {
    return textContent(getElementsByTagName(tagName, where, recurse, 1)).trim();
}
/**
 * Adds a property to an object if it has a value.
 *
 * @param obj Object to be extended
 * @param prop Property name
 * @param tagName Tag name that contains the conditionally added property
 * @param where Element to search for the property
 * @param recurse Whether to recurse into child nodes.
 */
function addConditionally(obj, prop, tagName, where, recurse = false) {
    const val = fetch(tagName, where, recurse);
    if (val)
        obj[prop] = val;
}
/**
 * Checks if an element is a feed root node.
 *
 * @param value The name of the element to check.
 * @returns Whether an element is a feed root node.
 */
function isValidFeed(value) {
    return value === "rss" || value === "feed" || value === "rdf:RDF";
}
//# sourceMappingURL=feeds.js.map
;// CONCATENATED MODULE: ./node_modules/domutils/lib/esm/index.js







/** @deprecated Use these methods from `domhandler` directly. */

//# sourceMappingURL=index.js.map
;// CONCATENATED MODULE: ./node_modules/htmlparser2/dist/esm/index.js




// Helper methods
/**
 * Parses the data, returns the resulting document.
 *
 * @param data The data that should be parsed.
 * @param options Optional options for the parser and DOM handler.
 */
function parseDocument(data, options) {
    const handler = new DomHandler(undefined, options);
    new Parser(handler, options).end(data);
    return handler.root;
}
/**
 * Parses data, returns an array of the root nodes.
 *
 * Note that the root nodes still have a `Document` node as their parent.
 * Use `parseDocument` to get the `Document` node instead.
 *
 * @param data The data that should be parsed.
 * @param options Optional options for the parser and DOM handler.
 * @deprecated Use `parseDocument` instead.
 */
function parseDOM(data, options) {
    return parseDocument(data, options).children;
}
/**
 * Creates a parser instance, with an attached DOM handler.
 *
 * @param callback A callback that will be called once parsing has been completed, with the resulting document.
 * @param options Optional options for the parser and DOM handler.
 * @param elementCallback An optional callback that will be called every time a tag has been completed inside of the DOM.
 */
function createDocumentStream(callback, options, elementCallback) {
    const handler = new DomHandler((error) => callback(error, handler.root), options, elementCallback);
    return new Parser(handler, options);
}
/**
 * Creates a parser instance, with an attached DOM handler.
 *
 * @param callback A callback that will be called once parsing has been completed, with an array of root nodes.
 * @param options Optional options for the parser and DOM handler.
 * @param elementCallback An optional callback that will be called every time a tag has been completed inside of the DOM.
 * @deprecated Use `createDocumentStream` instead.
 */
function createDomStream(callback, options, elementCallback) {
    const handler = new DomHandler(callback, options, elementCallback);
    return new Parser(handler, options);
}

/*
 * All of the following exports exist for backwards-compatibility.
 * They should probably be removed eventually.
 */



const parseFeedDefaultOptions = { xmlMode: true };
/**
 * Parse a feed.
 *
 * @param feed The feed that should be parsed, as a string.
 * @param options Optionally, options for parsing. When using this, you should set `xmlMode` to `true`.
 */
function parseFeed(feed, options = parseFeedDefaultOptions) {
    return getFeed(parseDOM(feed, options));
}

//# sourceMappingURL=index.js.map
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
/**
 * An index's HTML is read with htmlparser2's tokenizer, whose time is linear in the page: a
 * backtracking pattern let a page of unterminated tags block the event loop, so no time limit
 * could fire (issue 21). Its Parser is not used: it keeps open tags with `Array.unshift`, which
 * is quadratic on a page of tags never closed (a 4 MiB page of `<a href="x">` took 23 s).
 * Entities come decoded, each exactly once.
 */
function html_scan(html, events) {
    const slice = (start, end) => html.slice(start, end);
    let tag = '';
    let attribute = '';
    let value = '';
    let attributes = new Map();
    const opened = () => events.open?.(tag, attributes);
    const tokenizer = new Tokenizer_Tokenizer({ decodeEntities: true }, {
        onopentagname(start, end) {
            tag = slice(start, end).toLowerCase();
            attributes = new Map();
        },
        onattribname(start, end) {
            attribute = slice(start, end).toLowerCase();
            value = '';
        },
        onattribdata(start, end) {
            value += slice(start, end);
        },
        onattribentity(codepoint) {
            value += String.fromCodePoint(codepoint);
        },
        onattribend() {
            if (!attributes.has(attribute))
                attributes.set(attribute, value);
        },
        onopentagend: opened,
        onselfclosingtag: opened,
        onclosetag(start, end) {
            events.close?.(slice(start, end).toLowerCase());
        },
        ontext(start, end) {
            events.text?.(slice(start, end));
        },
        ontextentity(codepoint) {
            events.text?.(String.fromCodePoint(codepoint));
        },
        oncdata() { },
        oncomment() { },
        ondeclaration() { },
        onprocessinginstruction() { },
        onend() { }
    });
    tokenizer.write(html);
    tokenizer.end();
}
/** The links of a page (PEP 503's simple pages list one file per `<a>`): href and text. */
function html_anchors(html) {
    const found = [];
    let open;
    html_scan(html, {
        open(name, attributes) {
            if (name !== 'a')
                return;
            const href = attributes.get('href');
            open = href === undefined ? undefined : { href, text: '' };
        },
        text(text) {
            if (open)
                open.text += text;
        },
        close(name) {
            if (name === 'a' && open)
                found.push(open);
            if (name === 'a')
                open = undefined;
        }
    });
    return found;
}
/** The text of a page's first closed `<title>`, as an error page names its error. */
function titleOf(html) {
    let text;
    let title;
    html_scan(html, {
        open(name) {
            if (name === 'title' && title === undefined)
                text = '';
        },
        text(chunk) {
            if (text !== undefined)
                text += chunk;
        },
        close(name) {
            if (name === 'title' && text !== undefined && title === undefined)
                title = text;
            if (name === 'title')
                text = undefined;
        }
    });
    return title;
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
    for (const { href, text } of html_anchors(body)) {
        const [location, fragment = ''] = href.split('#', 2);
        const filename = text.trim() || decodeURIComponent(location.split('/').pop() ?? '');
        const sha256 = /^sha256=([0-9a-f]{64})$/i.exec(fragment)?.[1] ?? '';
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
    const path = trimEndOf(url.pathname, '/');
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
    const title = titleOf(body)?.trim();
    if (title)
        return stripStatusPrefix(title, response.status);
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
        const ciFile = ciFileOf(text('ci_config_ref_uri') ?? '');
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
/** The CI file of GitLab's `host/project//file@ref` (string search: the claim is outside text). */
function ciFileOf(uri) {
    const start = uri.indexOf('//');
    const end = uri.indexOf('@', start + 2);
    return start < 0 || end <= start + 2 ? undefined : uri.slice(start + 2, end);
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
    return { user: secrets_decode(rawUser), password: secrets_decode(rawPassword), rawPassword };
}
function secrets_decode(text) {
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
