/**
 * The jextract-generated FFM bindings of the jao C ABI ({@code native/include/jao/jao.h}).
 * Internal to jao: exported only to the {@code dev.jao} module, which loads the native
 * library before any binding is touched and turns status codes into exceptions.
 */
module dev.jao.bindings {
    exports dev.jao.bindings to dev.jao;
}
