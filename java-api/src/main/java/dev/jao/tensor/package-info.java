/** Tensor views over {@link java.lang.foreign.MemorySegment}s: dtype + shape, no ownership. */
package dev.jao.tensor;
