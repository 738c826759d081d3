// Shared-memory segments for the ray-ts object store.
//
// A segment is a file in /dev/shm mapped MAP_SHARED and handed to JavaScript as an
// external ArrayBuffer, so every process on the node that maps the same name sees the
// same bytes without a copy. The mapping is released when the ArrayBuffer is collected;
// unlinking a name frees the memory once the last mapping is gone.
#include <napi.h>

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <string>
#include <thread>
#include <vector>

namespace {

constexpr const char* kShmDir = "/dev/shm/";

bool ValidName(const std::string& name) {
  if (name.empty() || name.size() > 200) return false;
  for (char c : name) {
    bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' ||
              c == '_' || c == '.';
    if (!ok) return false;
  }
  return name[0] != '.';
}

Napi::Value ThrowErrno(Napi::Env env, const char* op, const std::string& name, int err) {
  std::string msg = std::string(op) + " " + name + ": " + strerror(err);
  Napi::Error e = Napi::Error::New(env, msg);
  e.Set("code", Napi::String::New(env, err == EEXIST ? "EEXIST" : err == ENOENT ? "ENOENT" : err == ENOSPC ? "ENOSPC" : "ESHM"));
  e.Set("errno", Napi::Number::New(env, err));
  e.ThrowAsJavaScriptException();
  return env.Undefined();
}

std::string NameArg(const Napi::CallbackInfo& info) {
  if (info.Length() < 1 || !info[0].IsString()) {
    Napi::TypeError::New(info.Env(), "segment name must be a string").ThrowAsJavaScriptException();
    return "";
  }
  std::string name = info[0].As<Napi::String>().Utf8Value();
  if (!ValidName(name)) {
    Napi::TypeError::New(info.Env(), "invalid segment name: " + name).ThrowAsJavaScriptException();
    return "";
  }
  return name;
}

struct Mapping {
  void* addr;
  size_t size;
};

void Unmap(Napi::Env, void*, Mapping* m) {
  if (m->size > 0) munmap(m->addr, m->size);
  delete m;
}

Napi::Value Wrap(Napi::Env env, void* addr, size_t size) {
  if (size == 0) return Napi::ArrayBuffer::New(env, 0);
  auto* m = new Mapping{addr, size};
  return Napi::ArrayBuffer::New(env, addr, size, Unmap, m);
}

// createSegment(name, size, populate) -> ArrayBuffer (read-write). Fails if the name exists.
Napi::Value CreateSegment(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  std::string name = NameArg(info);
  if (env.IsExceptionPending()) return env.Undefined();
  if (info.Length() < 2 || !info[1].IsNumber()) {
    Napi::TypeError::New(env, "size must be a number").ThrowAsJavaScriptException();
    return env.Undefined();
  }
  double dsize = info[1].As<Napi::Number>().DoubleValue();
  if (dsize < 0 || dsize > 1e15) {
    Napi::RangeError::New(env, "size out of range").ThrowAsJavaScriptException();
    return env.Undefined();
  }
  size_t size = static_cast<size_t>(dsize);
  bool populate = info.Length() > 2 && info[2].ToBoolean().Value();
  std::string path = std::string(kShmDir) + name;
  int fd = open(path.c_str(), O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
  if (fd < 0) return ThrowErrno(env, "create", name, errno);
  if (size > 0) {
    int rc = populate ? posix_fallocate(fd, 0, size) : (ftruncate(fd, size) == 0 ? 0 : errno);
    if (rc != 0) {
      close(fd);
      unlink(path.c_str());
      return ThrowErrno(env, "allocate", name, rc);
    }
  }
  void* addr = nullptr;
  if (size > 0) {
    int flags = MAP_SHARED | (populate ? MAP_POPULATE : 0);
    addr = mmap(nullptr, size, PROT_READ | PROT_WRITE, flags, fd, 0);
    if (addr == MAP_FAILED) {
      int err = errno;
      close(fd);
      unlink(path.c_str());
      return ThrowErrno(env, "mmap", name, err);
    }
  }
  close(fd);
  return Wrap(env, addr, size);
}

// openSegment(name, writable) -> ArrayBuffer over the whole segment (shared if writable, else copy-on-write).
Napi::Value OpenSegment(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  std::string name = NameArg(info);
  if (env.IsExceptionPending()) return env.Undefined();
  bool writable = info.Length() > 1 && info[1].ToBoolean().Value();
  std::string path = std::string(kShmDir) + name;
  int fd = open(path.c_str(), (writable ? O_RDWR : O_RDONLY) | O_CLOEXEC);
  if (fd < 0) return ThrowErrno(env, "open", name, errno);
  struct stat st;
  if (fstat(fd, &st) != 0) {
    int err = errno;
    close(fd);
    return ThrowErrno(env, "stat", name, err);
  }
  size_t size = static_cast<size_t>(st.st_size);
  void* addr = nullptr;
  if (size > 0) {
    // A reader's mapping is private copy-on-write: reads share the store's pages (no copy),
    // and a user who writes into a returned TypedArray changes only their own copy instead
    // of corrupting the object (or crashing on a read-only page).
    addr = mmap(nullptr, size, PROT_READ | PROT_WRITE, writable ? MAP_SHARED : MAP_PRIVATE, fd, 0);
    if (addr == MAP_FAILED) {
      int err = errno;
      close(fd);
      return ThrowErrno(env, "mmap", name, err);
    }
  }
  close(fd);
  return Wrap(env, addr, size);
}

Napi::Value UnlinkSegment(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  std::string name = NameArg(info);
  if (env.IsExceptionPending()) return env.Undefined();
  std::string path = std::string(kShmDir) + name;
  if (unlink(path.c_str()) != 0) {
    if (errno == ENOENT) return Napi::Boolean::New(env, false);
    return ThrowErrno(env, "unlink", name, errno);
  }
  return Napi::Boolean::New(env, true);
}

// copy(dst, src, threads): memcpy between two views, split over threads for large copies.
Napi::Value Copy(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (info.Length() < 2 || !info[0].IsTypedArray() || !info[1].IsTypedArray()) {
    Napi::TypeError::New(env, "copy(dst, src): both must be typed arrays").ThrowAsJavaScriptException();
    return env.Undefined();
  }
  auto dst = info[0].As<Napi::TypedArray>();
  auto src = info[1].As<Napi::TypedArray>();
  size_t n = src.ByteLength();
  if (dst.ByteLength() < n) {
    Napi::RangeError::New(env, "copy: destination is smaller than source").ThrowAsJavaScriptException();
    return env.Undefined();
  }
  uint8_t* d = static_cast<uint8_t*>(dst.ArrayBuffer().Data()) + dst.ByteOffset();
  const uint8_t* s = static_cast<const uint8_t*>(src.ArrayBuffer().Data()) + src.ByteOffset();
  unsigned threads = info.Length() > 2 ? info[2].As<Napi::Number>().Uint32Value() : 1;
  threads = std::max(1u, std::min(threads, 16u));
  const size_t kMinPerThread = 64u << 20;
  if (threads == 1 || n < 2 * kMinPerThread) {
    memcpy(d, s, n);
    return env.Undefined();
  }
  threads = std::min<unsigned>(threads, n / kMinPerThread);
  size_t chunk = (n / threads + 4095) & ~size_t(4095);
  std::vector<std::thread> pool;
  for (unsigned i = 1; i < threads; i++) {
    size_t off = chunk * i;
    if (off >= n) break;
    size_t len = std::min(chunk, n - off);
    pool.emplace_back([=] { memcpy(d + off, s + off, len); });
  }
  memcpy(d, s, std::min(chunk, n));
  for (auto& t : pool) t.join();
  return env.Undefined();
}

Napi::Object Init(Napi::Env env, Napi::Object exports) {
  exports.Set("createSegment", Napi::Function::New(env, CreateSegment));
  exports.Set("openSegment", Napi::Function::New(env, OpenSegment));
  exports.Set("unlinkSegment", Napi::Function::New(env, UnlinkSegment));
  exports.Set("copy", Napi::Function::New(env, Copy));
  return exports;
}

}  // namespace

NODE_API_MODULE(ray_ts_shm, Init)
