/**
 * Quantization-aware training: torchao's fake-quantize configs and a fake quantizer giving
 * the fake-quantized tensor and its straight-through gradient, for JVM training frameworks.
 */
package dev.jao.qat;
