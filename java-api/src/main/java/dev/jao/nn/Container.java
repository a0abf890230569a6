package dev.jao.nn;

/** A module that only groups children (torch's plain {@code nn.Module} holding submodules). */
public final class Container extends Module {
    /** Creates an empty container. */
    public Container() {}
}
