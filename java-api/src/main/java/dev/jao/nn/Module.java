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

    /** Adds or replaces the child {@code name}; returns this module. */
    public Module register(String name, Module child) {
        Objects.requireNonNull(child, "child");
        if (name == null || name.isEmpty() || name.contains(".")) {
            throw new IllegalArgumentException("child name must be non-empty and contain no '.', got '" + name + "'");
        }
        children.put(name, child);
        return this;
    }

    /** The direct children in insertion order (read-only). */
    public Map<String, Module> children() {
        return Collections.unmodifiableMap(children);
    }

    /** Every module of the tree by fully qualified name, this one as "" first, depth-first. */
    public Map<String, Module> namedModules() {
        Map<String, Module> out = new LinkedHashMap<>();
        collect("", out);
        return out;
    }

    private void collect(String prefix, Map<String, Module> out) {
        out.put(prefix, this);
        children.forEach((name, child) -> child.collect(prefix.isEmpty() ? name : prefix + "." + name, out));
    }

    /** Replaces the module at {@code fqn} (a descendant) with {@code replacement}. */
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
