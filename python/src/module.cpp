// warrant._warrant: the Python binding of the public C++ API (include/warrant/warrant.h) and of
// warrant::api::Build. Deals in JSON text only; warrant/__init__.py turns it into dicts and lists.
// Every call that decides, explains or compiles releases the GIL, so other Python threads run
// meanwhile. Errors become warrant.WarrantError subclasses (warrant/_errors.py) with `.code`.
#include <algorithm>
#include <cstdint>
#include <cstring>
#include <memory>
#include <mutex>
#include <new>
#include <pybind11/pybind11.h>
#include <pybind11/stl.h>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "warrant/build.h"
#include "warrant/warrant.h"

#if defined(__linux__)
#include <sys/mman.h>
#endif

namespace py = pybind11;
namespace api = warrant::api;

namespace {

// The UTF-8 text of a str, or the bytes of any object with the buffer protocol (bytes,
// bytearray, memoryview, mmap), without a copy; valid while this object and `object` live.
class InputText {
 public:
  explicit InputText(const py::handle& object) {
    if (PyUnicode_Check(object.ptr())) {
      Py_ssize_t size = 0;
      const char* data = PyUnicode_AsUTF8AndSize(object.ptr(), &size);
      if (data == nullptr)
        throw py::error_already_set();
      text_ = {data, static_cast<size_t>(size)};
      return;
    }
    if (PyObject_GetBuffer(object.ptr(), &buffer_, PyBUF_SIMPLE) != 0) {
      PyErr_Clear();
      throw py::type_error("expected str, bytes or a buffer, got " +
                           std::string(py::str(py::type::handle_of(object).attr("__name__"))));
    }
    held_ = true;
    text_ = {static_cast<const char*>(buffer_.buf), static_cast<size_t>(buffer_.len)};
  }

  ~InputText() {
    if (held_)
      PyBuffer_Release(&buffer_);
  }

  InputText(const InputText&) = delete;
  InputText& operator=(const InputText&) = delete;

  std::string_view text() const { return text_; }

 private:
  Py_buffer buffer_{};
  bool held_ = false;
  std::string_view text_;
};

// The bytes object decide_ndjson returns, written in place as the records come (no second copy
// of the result). Sized at first for output as large as the input; should it outgrow that, it
// grows with the GIL taken back for the moment (Python's allocator needs it), then is cut to
// its size at the end. Its pages are fresh memory, and faulting them in 4 KiB at a time cost
// about a tenth of decide_ndjson over the benchmark's 100,000 claims (36 MB of records): the
// kernel is asked for transparent huge pages for them instead (a hint; where THP is off or
// "never", nothing changes).
class OutputBytes {
 public:
  explicit OutputBytes(size_t capacity) {
    object_ =
        PyBytes_FromStringAndSize(nullptr, static_cast<Py_ssize_t>(std::max<size_t>(capacity, 1)));
    if (object_ == nullptr)
      throw py::error_already_set();
    capacity_ = static_cast<size_t>(PyBytes_GET_SIZE(object_));
    AdviseHugePages();
  }

  ~OutputBytes() { Py_XDECREF(object_); }

  OutputBytes(const OutputBytes&) = delete;
  OutputBytes& operator=(const OutputBytes&) = delete;

  // Called without the GIL, from any one thread at a time.
  void Append(std::string_view piece) {
    if (piece.size() > capacity_ - size_) {
      py::gil_scoped_acquire acquire;
      Resize(std::max(capacity_ * 2, size_ + piece.size()));
      capacity_ = static_cast<size_t>(PyBytes_GET_SIZE(object_));
      AdviseHugePages();
    }
    std::memcpy(PyBytes_AS_STRING(object_) + size_, piece.data(), piece.size());
    size_ += piece.size();
  }

  // The bytes written (with the GIL held).
  py::bytes Finish() {
    Resize(size_);
    return py::reinterpret_steal<py::bytes>(std::exchange(object_, nullptr));
  }

 private:
  // The whole 2 MiB pages inside the buffer (most of a large one; a small one has none).
  void AdviseHugePages() {
#if defined(__linux__) && defined(MADV_HUGEPAGE)
    constexpr uintptr_t kHuge = uintptr_t{2} << 20;
    const auto begin = reinterpret_cast<uintptr_t>(PyBytes_AS_STRING(object_));
    const uintptr_t from = (begin + kHuge - 1) & ~(kHuge - 1);
    const uintptr_t to = (begin + capacity_) & ~(kHuge - 1);
    if (to > from)
      ::madvise(reinterpret_cast<void*>(from), to - from, MADV_HUGEPAGE);  // a hint: errors ignored
#endif
  }

  void Resize(size_t size) {
    // Frees the object and leaves null when it fails.
    if (_PyBytes_Resize(&object_, static_cast<Py_ssize_t>(size)) != 0) {
      PyErr_Clear();
      throw std::bad_alloc();
    }
  }

  PyObject* object_ = nullptr;
  size_t size_ = 0;
  size_t capacity_ = 0;
};

// An Engine with one Session for single calls (decide, explain), taken under a lock so the
// object may be shared by Python threads; batches use Sessions of their own.
class PyEngine {
 public:
  explicit PyEngine(api::Engine engine) : engine_(std::move(engine)), session_(engine_) {}

  static std::unique_ptr<PyEngine> FromSource(const py::object& source) {
    if (PyBytes_Check(source.ptr())) {
      const InputText input(source);
      const std::string_view bytes = input.text();
      return std::make_unique<PyEngine>(
          api::Engine::FromPack({reinterpret_cast<const uint8_t*>(bytes.data()), bytes.size()}));
    }
    return std::make_unique<PyEngine>(api::Engine::FromFile(py::str(source)));
  }

  const std::string& pack_hash() const { return engine_.PackHash(); }

  std::string Decide(const py::object& claim, bool strict) {
    const InputText input(claim);
    const std::string_view text = input.text();
    std::string out;
    py::gil_scoped_release release;
    std::lock_guard lock(mutex_);
    session_.SetStrict(strict);
    session_.Decide(text, out);
    return out;
  }

  std::string Explain(const py::object& claim, bool json) {
    const InputText input(claim);
    const std::string_view text = input.text();
    std::string out;
    py::gil_scoped_release release;
    std::lock_guard lock(mutex_);
    session_.SetStrict(false);
    out = session_.Explain(text, json ? api::ExplainFormat::Json : api::ExplainFormat::Text);
    return out;
  }

  // Returns (NDJSON: str for a str, else bytes; the number of malformed lines).
  py::tuple DecideNdjson(const py::object& data, int jobs) {
    if (jobs < 1)
      throw py::value_error("jobs must be at least 1");
    const InputText input(data);
    const std::string_view text = input.text();
    OutputBytes out(text.size());
    uint64_t errors = 0;
    {
      py::gil_scoped_release release;
      errors = engine_.DecideNdjson(text, jobs, [&](std::string_view piece) { out.Append(piece); });
    }
    py::bytes result = out.Finish();
    if (PyUnicode_Check(data.ptr())) {
      const char* utf8 = PyBytes_AS_STRING(result.ptr());
      return py::make_tuple(py::str(utf8, static_cast<size_t>(PyBytes_GET_SIZE(result.ptr()))),
                            errors);
    }
    return py::make_tuple(std::move(result), errors);
  }

 private:
  api::Engine engine_;
  std::mutex mutex_;
  api::Session session_;
};

py::bytes Build(const std::vector<std::string>& inputs,
                const std::vector<std::string>& terminology) {
  std::vector<uint8_t> pack;
  {
    py::gil_scoped_release release;
    pack = api::Build(inputs, terminology);
  }
  return py::bytes(reinterpret_cast<const char*>(pack.data()), pack.size());
}

}  // namespace

PYBIND11_MODULE(_warrant, m) {
  m.doc() = "The Warrant engine (use the `warrant` package, not this module)";
  py::register_exception_translator([](std::exception_ptr p) {
    try {
      if (p)
        std::rethrow_exception(p);
    } catch (const api::Error& e) {
      py::object error =
          py::module_::import("warrant._errors").attr("error_for")(e.code(), e.what());
      PyErr_SetObject(reinterpret_cast<PyObject*>(Py_TYPE(error.ptr())), error.ptr());
    }
  });
  py::class_<PyEngine>(m, "Engine")
      .def(py::init(&PyEngine::FromSource), py::arg("pack"))
      .def_property_readonly("pack_hash", &PyEngine::pack_hash)
      .def("decide", &PyEngine::Decide, py::arg("claim"), py::arg("strict") = false)
      .def("explain", &PyEngine::Explain, py::arg("claim"), py::arg("json") = false)
      .def("decide_ndjson", &PyEngine::DecideNdjson, py::arg("data"), py::arg("jobs") = 1);
  m.def("build", &Build, py::arg("inputs"), py::arg("terminology"));
  m.attr("__version__") = WARRANT_VERSION;
}
