package dev.jao.io;

import dev.jao.nn.Container;
import dev.jao.nn.Linear;
import dev.jao.nn.Module;
import dev.jao.tensor.Tensor;
import java.util.Map;

/**
 * Builds module trees from checkpoints by tensor names, as torch's {@code state_dict}
 * keys: every 2-D floating tensor {@code <fqn>.weight} becomes a {@link Linear} at
 * {@code <fqn>} (with {@code <fqn>.bias} when present); intermediate names become
 * {@link Container}s. Tensors are views of the file: keep it open while the tree is used.
 */
public final class Checkpoints {
    private Checkpoints() {}

    /**
     * The tree of linear layers in {@code file}.
     *
     * @param file an open safetensors checkpoint; must stay open while the returned tree is used
     * @return a {@link Container} root whose descendants are named as the checkpoint's tensors; tensors
     *     that are not 2-D floating {@code .weight}s are ignored
     */
    public static Module linearTree(SafetensorsFile file) {
        Container root = new Container();
        for (Map.Entry<String, SafetensorsFile.Entry> e : file.entries().entrySet()) {
            String name = e.getKey();
            if (!name.endsWith(".weight") || e.getValue().shape().length != 2) continue;
            Tensor w;
            try {
                w = file.tensor(name);
            } catch (IllegalArgumentException notFloat) {
                continue;
            }
            if (!w.dtype().isFloating()) continue;
            String fqn = name.substring(0, name.length() - ".weight".length());
            Tensor bias = file.entries().containsKey(fqn + ".bias") ? file.tensor(fqn + ".bias") : null;
            place(root, fqn, new Linear(w, bias));
        }
        return root;
    }

    /** Puts {@code leaf} at {@code fqn} under {@code root}, creating Containers on the way. */
    static void place(Module root, String fqn, Module leaf) {
        String[] parts = fqn.split("\\.");
        Module at = root;
        for (int i = 0; i < parts.length - 1; i++) {
            Module next = at.children().get(parts[i]);
            if (next == null) {
                next = new Container();
                at.register(parts[i], next);
            }
            at = next;
        }
        at.register(parts[parts.length - 1], leaf);
    }
}
