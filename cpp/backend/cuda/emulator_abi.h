// What the CUDA emulator (emulator.cpp) and the kernels it compiles (emulator_shim.h) share:
// the state of the thread a kernel runs as, and the emulator's calls for barriers and shuffles.
// Plain C++: it is compiled into both, so the layout is the same on both sides.
#pragma once

struct ax_emu_dim3 {
  unsigned x, y, z;
};
struct AxEmu {
  ax_emu_dim3 thread_idx, block_idx, block_dim, grid_dim;
  void (*syncthreads)();
  // Exchanges `value` within the warp: returns what lane `src_lane` gave (its own value when
  // that lane is outside the block).
  unsigned long long (*shuffle)(unsigned long long value, int src_lane);
};
