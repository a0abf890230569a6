/** Reading and writing model files: safetensors (memory-mapped, validated). */
package dev.jao.io;
