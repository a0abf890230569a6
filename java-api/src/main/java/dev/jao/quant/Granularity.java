package dev.jao.quant;

import java.util.Arrays;

/**
 * Which elements share one scale/zero point (torchao's granularity classes). Each maps
 * to a torchao {@code block_size} for a given tensor shape via {@link #blockSize(long[])}.
 */
public sealed interface Granularity {
    /**
     * The block size (same rank as {@code shape}) this granularity means for a tensor of {@code shape}.
     *
     * @param shape the tensor's dimensions, outermost first (not modified)
     * @return a new array, one block extent per dimension, each dividing the matching dimension
     * @throws IllegalArgumentException if the granularity does not fit the shape (PerAxis axis out of
     *     range, PerGroup size not dividing the last dimension)
     */
    long[] blockSize(long[] shape);

    /** One scale for the whole tensor. */
    record PerTensor() implements Granularity {
        @Override
        public long[] blockSize(long[] shape) {
            return shape.clone();
        }
    }

    /**
     * One scale per index along {@code axis} (torchao sets block[axis] = 1, all others full).
     *
     * @param axis the axis that keeps its size (0 = per output channel of a linear weight)
     */
    record PerAxis(int axis) implements Granularity {
        @Override
        public long[] blockSize(long[] shape) {
            if (axis < 0 || axis >= shape.length) {
                throw new IllegalArgumentException("PerAxis(" + axis + ") does not fit a tensor of rank " + shape.length);
            }
            long[] b = shape.clone();
            b[axis] = 1;
            return b;
        }
    }

    /**
     * Groups of {@code groupSize} consecutive elements along the last axis.
     *
     * @param groupSize elements per group (must divide the last dimension)
     */
    record PerGroup(int groupSize) implements Granularity {
        /** Rejects non-positive group sizes. */
        public PerGroup {
            if (groupSize <= 0) throw new IllegalArgumentException("group_size must be positive, got " + groupSize);
        }

        @Override
        public long[] blockSize(long[] shape) {
            if (shape.length == 0 || shape[shape.length - 1] % groupSize != 0) {
                throw new IllegalArgumentException("group_size " + groupSize + " does not divide the last dimension of "
                        + Arrays.toString(shape));
            }
            long[] b = new long[shape.length];
            Arrays.fill(b, 1);
            b[shape.length - 1] = groupSize;
            return b;
        }
    }

    /** One scale per row (all leading indices), reducing the last axis. */
    record PerRow() implements Granularity {
        @Override
        public long[] blockSize(long[] shape) {
            long[] b = new long[shape.length];
            Arrays.fill(b, 1);
            if (shape.length > 0) b[shape.length - 1] = shape[shape.length - 1];
            return b;
        }
    }

    /** One scale per token: every row of {@code [..., K]}; same blocks as {@link PerRow}. */
    record PerToken() implements Granularity {
        @Override
        public long[] blockSize(long[] shape) {
            return new PerRow().blockSize(shape);
        }
    }
}
