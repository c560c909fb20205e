/**
 * Test support shared through this module's test-jar ({@code sprocket-blender:test-jar}): real Blender, no mocks.
 * <ul>
 *   <li>{@link dev.sprocket.blender.testing.TestBlender#get()} — the Blender under test; fails (never skips) with
 *       install instructions when it is missing.</li>
 *   <li>{@link dev.sprocket.blender.testing.TestScenes} — generates small Cycles/EEVEE scenes (animated, optional
 *       external texture, motion blur, heavy mode for benchmarks).</li>
 *   <li>{@link dev.sprocket.blender.testing.ReferenceRender} — the ground truth: a fresh {@code blender -b -Y FILE -f N}
 *       with the same {@code RenderSettings} overrides.</li>
 *   <li>{@link dev.sprocket.blender.testing.Pixels#assertIdentical} — exact pixel comparison.</li>
 *   <li>{@link dev.sprocket.blender.testing.BlendFiles} — the shared real-world .blend files in
 *       {@code ../shared/blendfiles}.</li>
 * </ul>
 */
package dev.sprocket.blender.testing;
