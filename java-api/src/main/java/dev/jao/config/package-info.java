/**
 * Quantization configs mirroring torchao's ({@code quantize_(model, config)}): immutable
 * records with torchao's parameters, defaults and validation messages.
 */
package dev.jao.config;
