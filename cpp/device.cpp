#include "device.h"

#include <atomic>

#include "errors.h"

namespace arrax {
namespace {

std::atomic<uint32_t> g_default{0};  // kind << 16 | index
thread_local bool t_scoped = false;
thread_local Device t_scope;

uint32_t pack(Device d) {
  return (static_cast<uint32_t>(d.kind) << 16) | static_cast<uint32_t>(d.index);
}
Device unpack(uint32_t v) {
  return Device{static_cast<DeviceKind>(v >> 16), static_cast<int>(v & 0xffff)};
}

}  // namespace

Device default_device() {
  return unpack(g_default.load(std::memory_order_relaxed));
}

void set_default_device(Device d) {
  if (d.kind == DeviceKind::CUDA && (d.index < 0 || d.index >= cuda::device_count()))
    throw ValueError("set_default_device: no device " + d.str() + " (this machine has " +
                     std::to_string(cuda::device_count()) + " CUDA devices)");
  g_default.store(pack(d), std::memory_order_relaxed);
}

Device current_device() {
  return t_scoped ? t_scope : default_device();
}

DeviceScope::DeviceScope(Device d) : previous_(t_scope), had_previous_(t_scoped) {
  t_scope = d;
  t_scoped = true;
}
DeviceScope::~DeviceScope() {
  t_scope = previous_;
  t_scoped = had_previous_;
}

Device execution_device(const std::string& op, const std::vector<Array>& inputs, bool& commit) {
  const Array* committed = nullptr;
  const Array* gpu = nullptr;
  bool concrete = false;
  for (const Array& x : inputs) {
    const Buffer* b = x.buffer().get();
    if (!b) continue;
    concrete = true;
    if (b->committed) {
      if (committed && !(committed->device() == b->device))
        throw ValueError(op + ": operands are committed to different devices (" +
                         committed->device().str() + " " + shape_str(committed->shape()) + " and " +
                         b->device.str() + " " + shape_str(x.shape()) +
                         "); move them to one device with arrax.device_put first");
      committed = &x;
    } else if (b->device.kind != DeviceKind::CPU && !gpu) {
      gpu = &x;
    }
  }
  commit = committed != nullptr;
  if (committed) return committed->device();
  if (gpu) return gpu->device();
  return concrete ? Device{} : current_device();
}

Array move_operand(const Array& x, Device d) {
  if (!x.buffer() || x.device() == d) return x;
  bool broadcast_scalar = x.ndim() > 0;
  for (auto s : x.strides()) broadcast_scalar = broadcast_scalar && s == 0;
  if (broadcast_scalar) {
    Array one = to_device(x.view(Shape{}, Strides{}, x.offset()), d);
    return one.view(x.shape(), x.strides(), one.offset());
  }
  return to_device(x, d);
}

Array to_device(const Array& x, Device d) {
  if (x.is_tracer()) return x;
  if (x.device() == d) return x;
  Array src = x.contiguous();
  Array out = Array::empty(src.shape(), src.dtype(), d);
  if (src.nbytes()) cuda::copy_bytes(out.data(), d, src.data(), src.device(), src.nbytes());
  return out;
}

}  // namespace arrax
