// bindings/attachments.cpp: evidence attachment stores (issue 14; include/doithoai/attachments.h).
// Bytes in and out are Python bytes (or any buffer for put); hashes are str. Every store call
// releases the GIL (file and network I/O).
#include "common.h"
#include "stores.h"
#include "doithoai/attachments.h"

namespace dtpy {
using namespace doithoai;

namespace {
std::string hash_arg(py::handle h) { return arg_cast<std::string>(h, "sha256"); }
std::string bytes_arg(py::handle h) {
  if (py::isinstance<py::str>(h)) throw py::type_error("bytes: expected bytes (or a buffer), got str");
  if (!PyObject_CheckBuffer(h.ptr()))
    throw py::type_error(std::string("bytes: expected bytes (or a buffer), got ") + Py_TYPE(h.ptr())->tp_name);
  py::buffer_info info = py::reinterpret_borrow<py::buffer>(h).request();
  return std::string(static_cast<const char*>(info.ptr), static_cast<std::size_t>(info.size * info.itemsize));
}
}  // namespace

void init_attachments(py::module_& m) {
  m.def("sha256_hex", [](py::handle b) { return sha256_hex(bytes_arg(b)); }, py::arg("data"),
        "SHA-256 of the bytes as 64 lowercase hex digits (the key of an attachment).");

  py::class_<AttachmentStore, std::shared_ptr<AttachmentStore>>(
      m, "AttachmentStore",
      "Where the bytes of evidence attachments live (issue 14), content-addressed by SHA-256. Thread-safe; "
      "a put is atomic (never a torn file) and putting existing content is a no-op.")
      .def("put", [](AttachmentStore& s, py::handle b) {
        std::string bytes = bytes_arg(b);
        py::gil_scoped_release nogil;
        return s.put(bytes);
      }, py::arg("data"), "Stores the bytes; returns their SHA-256 hex.")
      .def("get", [](const AttachmentStore& s, py::handle h) {
        const std::string k = hash_arg(h);
        std::string out;
        {
          py::gil_scoped_release nogil;
          out = s.get(k);
        }
        return py::bytes(out);
      }, py::arg("sha256"), "The bytes stored under the hash; NotFound when absent.")
      .def("has", [](const AttachmentStore& s, py::handle h) {
        const std::string k = hash_arg(h);
        py::gil_scoped_release nogil;
        return s.has(k);
      }, py::arg("sha256"))
      .def("size", [](const AttachmentStore& s, py::handle h) {
        const std::string k = hash_arg(h);
        py::gil_scoped_release nogil;
        return s.size(k);
      }, py::arg("sha256"), "The stored size in bytes, or None when absent.");

  py::class_<DirectoryAttachmentStore, AttachmentStore, std::shared_ptr<DirectoryAttachmentStore>>(
      m, "DirectoryAttachmentStore",
      "The default attachment store: files named by their SHA-256 under <dir>/ab/cd/, written to a temporary "
      "file, fsynced and renamed into place.")
      .def(py::init([](py::handle path, py::handle max_bytes) {
             return std::make_shared<DirectoryAttachmentStore>(
                 fspath(path),
                 max_bytes.is_none() ? DirectoryAttachmentStore::kDefaultMaxBytes : arg_cast<std::uint64_t>(max_bytes, "max_bytes"));
           }),
           py::arg("path"), py::kw_only(), py::arg("max_bytes") = py::none())
      .def_property_readonly("directory", &DirectoryAttachmentStore::directory)
      .def("path_of", [](const DirectoryAttachmentStore& s, py::handle h) { return s.path_of(hash_arg(h)); },
           py::arg("sha256"));

  py::class_<MemoryAttachmentStore, AttachmentStore, std::shared_ptr<MemoryAttachmentStore>>(
      m, "MemoryAttachmentStore", "An attachment store in memory (tests, demos).")
      .def(py::init([]() { return std::make_shared<MemoryAttachmentStore>(); }));

  ValueClass<AttachmentProblem> ap(m, "AttachmentProblem", "An attachment verify found missing or corrupt (R20).");
  ap.def_property_readonly("kind", [](const AttachmentProblem& p) { return std::string(to_string(p.kind)); },
                           "'missing' or 'corrupt'.")
      .def_readonly("sha256", &AttachmentProblem::sha256).def_readonly("name", &AttachmentProblem::name)
      .def_readonly("owner", &AttachmentProblem::owner, "'opinion', 'reply' or 'finding'.")
      .def_readonly("id", &AttachmentProblem::id, "The opinion id, or the item id of a reply or finding.")
      .state_enum("kind_", &AttachmentProblem::kind);
  def_repr(ap, "AttachmentProblem", {"kind", "sha256", "owner", "id", "name"});

  ValueClass<AttachmentReport> ar(m, "AttachmentReport", "What verify_attachments found (R20).");
  ar.def_readonly("ok", &AttachmentReport::ok).def_readonly("checked", &AttachmentReport::checked)
      .def_readonly("references", &AttachmentReport::references).def_readonly("problems", &AttachmentReport::problems)
      .def("__bool__", [](const AttachmentReport& r) { return r.ok; });
  def_repr(ar, "AttachmentReport", {"ok", "checked", "references", "problems"});
}

}  // namespace dtpy
