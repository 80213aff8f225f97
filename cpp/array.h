// Buffer and Array: a concrete, strided view of refcounted memory (DESIGN.md "Central types").
#pragma once
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "dtype.h"
#include "small_vector.h"

namespace arrax {

// Inline storage for up to 6 dimensions: no heap allocation for the shapes of almost all arrays.
using Shape = SmallVector<int64_t, 6>;
using Strides = SmallVector<int64_t, 6>;  // in bytes, as NumPy's

enum class DeviceKind : uint8_t { CPU, CUDA };
struct Device {
  DeviceKind kind = DeviceKind::CPU;
  int index = 0;
  bool operator==(const Device& o) const { return kind == o.kind && index == o.index; }
  std::string str() const;
};

// Device memory plus a deleter. External memory (a NumPy array's data) keeps its owner alive
// through `owner`.
struct Buffer {
  void* data = nullptr;
  size_t nbytes = 0;
  Device device;
  std::shared_ptr<void> owner;  // non-null for memory arrax did not allocate
  bool readonly = false;        // the owner's memory is read-only (a read-only NumPy array's)
  bool frozen = false;          // made read-only by ndarray.setflags(write=False)
  size_t mapped_bytes = 0;      // non-zero for memory from mmap (large buffers)
  bool inline_storage = false;  // data shares the Buffer's allocation (small buffers)
  // Placed on its device explicitly (device_put), or computed from such an array: as in JAX,
  // committed arrays on different devices do not mix, while uncommitted ones (created on the
  // default device) move to where the operation runs.
  bool committed = false;
  ~Buffer();
  // Buffers of at least this many bytes are backed by huge pages.
  static constexpr size_t kHugePageThreshold = size_t{4} << 20;
  // Buffers of at most this many bytes share one allocation with their Buffer record.
  static constexpr size_t kInlineLimit = 256;
  static std::shared_ptr<Buffer> allocate(size_t nbytes, Device device = {}, bool zeroed = false);
  static std::shared_ptr<Buffer> wrap(void* data, size_t nbytes, std::shared_ptr<void> owner,
                                      bool readonly);
};

// A value owned by an interpreter other than eager evaluation (the staging interpreter of
// transforms/staging.h; later JVP and batching). Defined in primitive.h.
class Tracer;

// The device arrays are created on when none is named (device.h).
Device current_device();

int64_t shape_size(const Shape& shape);
Strides contiguous_strides(const Shape& shape, size_t itemsize);
std::string shape_str(const Shape& shape);  // "(2, 3)" as Python prints a tuple

class Array {
 public:
  Array() = default;
  // A new C-contiguous array, uninitialised (or zero-filled when `zeroed`), on the current
  // device unless one is named.
  static Array empty(const Shape& shape, DType dtype, Device device = current_device(),
                     bool zeroed = false);
  Array(std::shared_ptr<Buffer> buffer, Shape shape, Strides strides, int64_t offset, DType dtype);
  // An abstract array seen while tracing: a shape and a dtype, no memory.
  static Array traced(std::shared_ptr<Tracer> tracer, const Shape& shape, DType dtype);
  bool is_tracer() const { return tracer_ != nullptr; }
  const std::shared_ptr<Tracer>& tracer() const { return tracer_; }

  const Shape& shape() const { return shape_; }
  const Strides& strides() const { return strides_; }
  int64_t offset() const { return offset_; }
  DType dtype() const { return dtype_; }
  int ndim() const { return static_cast<int>(shape_.size()); }
  int64_t size() const { return size_; }
  size_t itemsize() const { return arrax::itemsize(dtype_); }
  size_t nbytes() const { return size_ * itemsize(); }
  const std::shared_ptr<Buffer>& buffer() const { return buffer_; }
  Device device() const { return buffer_ ? buffer_->device : Device{}; }
  bool valid() const { return buffer_ != nullptr || tracer_ != nullptr; }

  char* data() const {
    if (!buffer_) no_data();
    return static_cast<char*>(buffer_->data) + offset_;
  }
  template <typename T>
  T* data_as() const {
    return reinterpret_cast<T*>(data());
  }

  bool is_c_contiguous() const;
  bool is_f_contiguous() const;
  bool writeable() const { return buffer_ && !buffer_->readonly && !buffer_->frozen; }

  // A view sharing the buffer, with new shape/strides/offset (offset relative to the buffer).
  Array view(Shape shape, Strides strides, int64_t offset) const;
  // A C-contiguous copy (or this array itself when it already is one and `force` is false).
  Array contiguous(bool force = false) const;

 private:
  void compute_size();
  [[noreturn]] void no_data() const;
  std::shared_ptr<Buffer> buffer_;
  std::shared_ptr<Tracer> tracer_;
  Shape shape_;
  Strides strides_;
  int64_t offset_ = 0;
  int64_t size_ = 1;
  DType dtype_ = DType::Float32;
};

// The view of x broadcast to `shape`, operand dimension i becoming output dimension bdims[i]
// (stride 0 along broadcast dimensions): the broadcast_in_dim primitive's CPU kernel.
Array broadcast_view(const Array& x, const Shape& shape, const std::vector<int64_t>& bdims);

// Copies src into dst elementwise (same shape, src may broadcast with zero strides), converting
// dtype as NumPy's unsafe casting does.
void copy_into(const Array& src, const Array& dst);
// A loop of the fused CPU executor (transforms/fused_kernel.cpp): out[i] = op(in_0[i * step_0],
// in_1[i * step_1], ...) for i < n into a contiguous out; each input's step is its item size,
// or 0 for one value broadcast over the run.
using ChunkLoop = void (*)(char* out, const char* const* in, const int64_t* step, int64_t n);
// A reduction of the fused CPU executor: out[i] = reduce(in[i * n : (i + 1) * n]) for i < rows,
// over contiguous rows; with `accumulate`, combined with what out[i] holds (a row's later chunk).
using RowReduce = void (*)(char* out, const char* in, int64_t rows, int64_t n, bool accumulate);
// copy_into's conversion from one dtype to another as a ChunkLoop.
ChunkLoop convert_chunk_loop(DType from, DType to);
// src converted to dtype, as a new contiguous array (a copy even when dtypes match).
Array astype(const Array& src, DType dtype);

}  // namespace arrax
