package dev.jao.nn;

/** Children named "0", "1", ... applied in order, as torch's {@code nn.Sequential}. */
public final class Sequential extends Module {
    /**
     * Creates a sequence of the given modules.
     *
     * @param modules the children, registered as "0", "1", ... in this order; none may be null
     */
    public Sequential(Module... modules) {
        for (int i = 0; i < modules.length; i++) register(Integer.toString(i), modules[i]);
    }
}
