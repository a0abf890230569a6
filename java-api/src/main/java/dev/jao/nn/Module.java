package dev.jao.nn;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * A node of a model tree with named children, addressed by fully qualified names
 * ({@code layers.0.mlp.up_proj}) as in torch's {@code named_modules()}. Frameworks wrap
 * their own layers by subclassing (or by building a tree of {@link Linear}s over their
 * weight memory).
 */
public abstract class Module {
    private final Map<String, Module> children = new LinkedHashMap<>();

    /** Creates a module with no children; subclasses add theirs with {@link #register}. */
    public Module() {}

    /**
     * Adds or replaces the child {@code name}; returns this module.
     *
     * @param name the child's local name: non-empty, without '.' (e.g. "0", "mlp", "up_proj")
     * @param child the child module, not null
     * @return this module, for chaining
     * @throws IllegalArgumentException if {@code name} is null, empty or contains '.'
     */
    public Module register(String name, Module child) {
        Objects.requireNonNull(child, "child");
        if (name == null || name.isEmpty() || name.contains(".")) {
            throw new IllegalArgumentException("child name must be non-empty and contain no '.', got '" + name + "'");
        }
        children.put(name, child);
        return this;
    }

    /** {@return the direct children by local name, in insertion order (a read-only live view)} */
    public Map<String, Module> children() {
        return Collections.unmodifiableMap(children);
    }

    /**
     * Every module of the tree by fully qualified name, this one as "" first, depth-first.
     *
     * @return a new ordered map from fully qualified name ("layers.0.mlp") to module, pre-order
     */
    public Map<String, Module> namedModules() {
        Map<String, Module> out = new LinkedHashMap<>();
        collect("", out);
        return out;
    }

    private void collect(String prefix, Map<String, Module> out) {
        out.put(prefix, this);
        children.forEach((name, child) -> child.collect(prefix.isEmpty() ? name : prefix + "." + name, out));
    }

    /**
     * Replaces the module at {@code fqn} (a descendant) with {@code replacement}.
     *
     * @param fqn fully qualified name of an existing descendant, relative to this module (not "")
     * @param replacement the module to put in its place, keeping its name and position
     * @throws IllegalArgumentException if no descendant has that name
     */
    public void replace(String fqn, Module replacement) {
        int dot = fqn.lastIndexOf('.');
        Module parent = dot < 0 ? this : namedModules().get(fqn.substring(0, dot));
        String leaf = fqn.substring(dot + 1);
        if (parent == null || !parent.children.containsKey(leaf)) {
            throw new IllegalArgumentException("no module named '" + fqn + "'");
        }
        parent.children.put(leaf, replacement);
    }
}
