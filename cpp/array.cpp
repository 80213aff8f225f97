#include "array.h"

#include <cstdlib>
#include <cstring>
#include <map>
#include <mutex>
#include <sstream>

#include <sys/mman.h>

#include "device.h"
#include "errors.h"

namespace arrax {

std::string Device::str() const {
  return kind == DeviceKind::CPU ? "cpu:" + std::to_string(index) : "cuda:" + std::to_string(index);
}

namespace {

// Allocates `extra` bytes beyond what the shared_ptr control block needs: room for the data of
// a small buffer, placed after the Buffer object (which sits inside the control block).
template <typename T>
struct TailAllocator {
  using value_type = T;
  size_t extra;
  explicit TailAllocator(size_t e) : extra(e) {}
  template <typename U>
  TailAllocator(const TailAllocator<U>& o) : extra(o.extra) {}  // NOLINT
  T* allocate(size_t n) { return static_cast<T*>(::operator new(n * sizeof(T) + extra)); }
  void deallocate(T* p, size_t) { ::operator delete(p); }
  template <typename U>
  bool operator==(const TailAllocator<U>& o) const {
    return extra == o.extra;
  }
  template <typename U>
  bool operator!=(const TailAllocator<U>& o) const {
    return extra != o.extra;
  }
};

// Recently freed large buffers, kept for reuse: an eager expression over big arrays allocates
// a same-sized temporary per operation, and reusing one skips the kernel's page faults.
class LargeBufferCache {
 public:
  static constexpr size_t kLimit = size_t{512} << 20;
  // A cached mapping of exactly `bytes`, or (with `slack`) of up to bytes + bytes/8; its size
  // goes to *got.
  void* take(size_t bytes, size_t* got = nullptr, bool slack = false) {
    std::lock_guard<std::mutex> lock(mu_);
    auto it = free_.lower_bound(bytes);
    if (it == free_.end() || it->first > (slack ? bytes + bytes / 8 : bytes)) return nullptr;
    void* p = it->second;
    if (got) *got = it->first;
    cached_ -= it->first;
    free_.erase(it);
    return p;
  }
  void give(void* p, size_t bytes) {
    {
      std::lock_guard<std::mutex> lock(mu_);
      if (bytes <= kLimit) {
        while (cached_ + bytes > kLimit && !free_.empty()) {
          auto victim = free_.begin();  // the smallest
          munmap(victim->second, victim->first);
          cached_ -= victim->first;
          free_.erase(victim);
        }
        free_.emplace(bytes, p);
        cached_ += bytes;
        return;
      }
    }
    munmap(p, bytes);
  }

 private:
  std::mutex mu_;
  std::multimap<size_t, void*> free_;
  size_t cached_ = 0;
};

// Buffers from this size up to kHugePageThreshold are page-rounded mappings kept for reuse.
constexpr size_t kMidCacheThreshold = size_t{256} << 10;

LargeBufferCache& large_cache() {
  static auto* cache = new LargeBufferCache();  // never destroyed: buffers may outlive statics
  return *cache;
}

}  // namespace

Buffer::~Buffer() {
  if (owner || !data || inline_storage) return;
  if (device.kind == DeviceKind::CUDA) {
    cuda::deallocate(data, nbytes, device.index);
    return;
  }
  if (mapped_bytes)
    large_cache().give(data, mapped_bytes);
  else
    std::free(data);
}

std::shared_ptr<Buffer> Buffer::allocate(size_t nbytes, Device device, bool zeroed) {
  std::shared_ptr<Buffer> b;
  if (device.kind == DeviceKind::CUDA) {
    b = std::make_shared<Buffer>();
    b->data = cuda::allocate(nbytes, device.index);
    b->nbytes = nbytes;
    b->device = device;
    if (zeroed) cuda::memset_zero(b->data, nbytes, device.index);
    return b;
  }
  if (nbytes > kInlineLimit) b = std::make_shared<Buffer>();
  if (nbytes >= kHugePageThreshold) {
    // Large buffers come straight from mmap: zeroed lazily by the kernel (zeros costs nothing
    // until touched) and backed by transparent huge pages, as NumPy's are, so the first touch
    // costs one page fault per 2 MiB instead of per 4 KiB.
    constexpr size_t kHuge = size_t{1} << 21;
    size_t rounded = (nbytes + kHuge - 1) / kHuge * kHuge;
    if (!zeroed) {
      if (void* p = large_cache().take(rounded)) {
        b->data = p;
        b->mapped_bytes = rounded;
        b->nbytes = nbytes;
        b->device = device;
        return b;
      }
    }
    void* p = mmap(nullptr, rounded, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (p == MAP_FAILED) throw std::bad_alloc();
#ifdef MADV_HUGEPAGE
    madvise(p, rounded, MADV_HUGEPAGE);
#endif
    b->data = p;
    b->mapped_bytes = rounded;
  } else if (nbytes >= kMidCacheThreshold) {
    // Mid-sized buffers are mappings too, in whole pages, and go to the same reuse cache: a
    // training step makes the same temporaries every step, and reusing them skips malloc's
    // heap growth and trimming and the page faults of fresh memory (a quarter of the charlm
    // step's time before).
    constexpr size_t kPage = 4096;
    size_t rounded = (nbytes + kPage - 1) / kPage * kPage, got = 0;
    void* p = large_cache().take(rounded, &got, /*slack=*/true);
    if (p) {
      rounded = got;
      if (zeroed) std::memset(p, 0, nbytes);
    } else {
      p = mmap(nullptr, rounded, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
      if (p == MAP_FAILED) throw std::bad_alloc();
    }
    b->data = p;
    b->mapped_bytes = rounded;
  } else if (nbytes <= kInlineLimit) {
    // Small buffers: the data lives in the same allocation as the Buffer and its reference
    // counts, so a small eager op costs one malloc instead of two.
    b = std::allocate_shared<Buffer>(TailAllocator<Buffer>(nbytes + 64));
    auto addr = reinterpret_cast<uintptr_t>(b.get()) + sizeof(Buffer);
    b->data = reinterpret_cast<void*>((addr + 63) / 64 * 64);
    b->inline_storage = true;
    if (zeroed) std::memset(b->data, 0, nbytes);
  } else {
    // 64-byte alignment for SIMD; aligned_alloc needs a size that is a multiple of it.
    size_t rounded = (nbytes + 63) / 64 * 64;
    b->data = std::aligned_alloc(64, rounded);
    if (!b->data) throw std::bad_alloc();
    if (zeroed) std::memset(b->data, 0, nbytes);
  }
  b->nbytes = nbytes;
  b->device = device;
  return b;
}

std::shared_ptr<Buffer> Buffer::wrap(void* data, size_t nbytes, std::shared_ptr<void> owner,
                                     bool readonly) {
  auto b = std::make_shared<Buffer>();
  b->data = data;
  b->nbytes = nbytes;
  b->owner = owner ? std::move(owner) : std::shared_ptr<void>(data, [](void*) {});
  b->readonly = readonly;
  return b;
}

int64_t shape_size(const Shape& shape) {
  // A negative dim, or dims whose product wraps around int64 (it could wrap to the size of
  // the array a reshape asks for), would address memory past the buffer: refused, as NumPy.
  bool empty = false;
  for (auto d : shape) {
    if (d < 0) throw ValueError("negative dimensions are not allowed: " + shape_str(shape));
    empty = empty || d == 0;
  }
  if (empty) return 0;
  int64_t n = 1;
  for (auto d : shape)
    if (__builtin_mul_overflow(n, d, &n))
      throw ValueError("array is too big: the item count of shape " + shape_str(shape) +
                       " overflows int64");
  return n;
}

Strides contiguous_strides(const Shape& shape, size_t itemsize) {
  Strides s(shape.size(), 0);
  for (auto d : shape)
    if (d == 0) return s;  // NumPy gives an empty array zero strides
  int64_t acc = static_cast<int64_t>(itemsize);
  for (int i = static_cast<int>(shape.size()) - 1; i >= 0; --i) {
    s[i] = acc;
    acc *= std::max<int64_t>(shape[i], 1);
  }
  return s;
}

std::string shape_str(const Shape& shape) {
  std::string s = "(";
  for (size_t i = 0; i < shape.size(); ++i) {
    if (i) s += ", ";
    s += std::to_string(shape[i]);
  }
  if (shape.size() == 1) s += ",";
  return s + ")";
}

Array Array::empty(const Shape& shape, DType dtype, Device device, bool zeroed) {
  for (auto d : shape)
    if (d < 0) throw ValueError("negative dimensions are not allowed");
  // NumPy's limit: the byte count must fit a signed 64-bit size (a product that wrapped would
  // allocate a small buffer for a huge shape).
  int64_t bytes = static_cast<int64_t>(arrax::itemsize(dtype));
  bool empty = false;
  for (auto d : shape) empty = empty || d == 0;
  for (auto d : shape)
    if (!empty && __builtin_mul_overflow(bytes, d, &bytes))
      throw ValueError(
          "array is too big; `arr.size * arr.dtype.itemsize` is larger than the maximum possible "
          "size (shape " +
          shape_str(shape) + ")");
  int64_t n = shape_size(shape);
  auto buf = Buffer::allocate(static_cast<size_t>(n) * arrax::itemsize(dtype), device, zeroed);
  return Array(std::move(buf), shape, contiguous_strides(shape, arrax::itemsize(dtype)), 0, dtype);
}

Array::Array(std::shared_ptr<Buffer> buffer, Shape shape, Strides strides, int64_t offset,
             DType dtype)
    : buffer_(std::move(buffer)),
      shape_(std::move(shape)),
      strides_(std::move(strides)),
      offset_(offset),
      dtype_(dtype) {
  compute_size();
}

void Array::compute_size() {
  size_ = shape_size(shape_);
}

Array Array::traced(std::shared_ptr<Tracer> tracer, const Shape& shape, DType dtype) {
  Array a;
  a.tracer_ = std::move(tracer);
  a.shape_ = shape;
  a.strides_ = contiguous_strides(shape, arrax::itemsize(dtype));
  a.dtype_ = dtype;
  a.compute_size();
  return a;
}

void Array::no_data() const {
  if (tracer_)
    throw TypeError(
        "arrax: this operation needs the concrete value of an array, but it is being traced (a " +
        std::string(dtype_name(dtype_)) + shape_str(shape_) + " placeholder)");
  throw ValueError("arrax: array has no data");
}

bool Array::is_c_contiguous() const {
  if (size_ <= 1) return true;
  int64_t acc = static_cast<int64_t>(itemsize());
  for (int i = ndim() - 1; i >= 0; --i) {
    if (shape_[i] == 1) continue;
    if (strides_[i] != acc) return false;
    acc *= shape_[i];
  }
  return true;
}

bool Array::is_f_contiguous() const {
  if (size_ <= 1) return true;
  int64_t acc = static_cast<int64_t>(itemsize());
  for (int i = 0; i < ndim(); ++i) {
    if (shape_[i] == 1) continue;
    if (strides_[i] != acc) return false;
    acc *= shape_[i];
  }
  return true;
}

Array Array::view(Shape shape, Strides strides, int64_t offset) const {
  return Array(buffer_, std::move(shape), std::move(strides), offset, dtype_);
}

Array Array::contiguous(bool force) const {
  if (!force && is_c_contiguous()) return *this;
  Array out = Array::empty(shape_, dtype_, device());
  copy_into(*this, out);
  return out;
}

Array broadcast_view(const Array& x, const Shape& shape, const std::vector<int64_t>& bdims) {
  Strides strides(shape.size(), 0);
  for (size_t i = 0; i < bdims.size(); ++i) {
    int64_t d = bdims[i];
    if (x.shape()[i] == shape[d])
      strides[d] = x.strides()[i];
    else if (x.shape()[i] != 1)
      throw ValueError("broadcast_in_dim: cannot broadcast " + shape_str(x.shape()) + " to " +
                       shape_str(shape));
  }
  return x.view(shape, strides, x.offset());
}

Array astype(const Array& src, DType dtype) {
  Array out = Array::empty(src.shape(), dtype, src.device());
  copy_into(src, out);
  return out;
}

}  // namespace arrax
