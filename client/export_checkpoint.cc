#include "client/export_checkpoint.h"

#include <rapidjson/document.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <cerrno>
#include <cstdio>
#include <fstream>
#include <sstream>

#include "absl/strings/str_cat.h"

namespace ghl::client {
namespace {

absl::Status Errno(absl::string_view what, const std::string& path) {
  const int error = errno;
  if (error == 0) return absl::UnknownError(absl::StrCat(what, " ", path));
  return absl::ErrnoToStatus(error, absl::StrCat(what, " ", path));
}

}  // namespace

absl::Status ExportCheckpoint::Save(const std::string& path) const {
  rapidjson::StringBuffer buffer;
  rapidjson::Writer<rapidjson::StringBuffer> w(buffer);
  auto string = [&w](const char* key, const std::string& value) {
    w.Key(key);
    w.String(value.data(), static_cast<rapidjson::SizeType>(value.size()));
  };
  w.StartObject();
  string("locationId", location_id);
  string("query", query);
  w.Key("pageSize");
  w.Int(page_size);
  string("fields", fields);
  string("resumeToken", resume_token);
  w.Key("bytes");
  w.Int64(bytes);
  w.Key("contacts");
  w.Int64(contacts);
  w.Key("pages");
  w.Int64(pages);
  w.EndObject();
  const std::string tmp = path + ".tmp";
  std::FILE* f = std::fopen(tmp.c_str(), "wb");
  if (f == nullptr) return Errno("cannot create", tmp);
  const bool written = std::fwrite(buffer.GetString(), 1, buffer.GetSize(), f) == buffer.GetSize();
  if (std::fclose(f) != 0 || !written) {
    absl::Status s = Errno("cannot write", tmp);
    std::remove(tmp.c_str());
    return s;
  }
  if (std::rename(tmp.c_str(), path.c_str()) != 0) return Errno("cannot rename to", path);
  return absl::OkStatus();
}

absl::StatusOr<ExportCheckpoint> ExportCheckpoint::Load(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return absl::NotFoundError(absl::StrCat("no export checkpoint ", path));
  std::stringstream text;
  text << in.rdbuf();
  const std::string body = text.str();
  rapidjson::Document d;
  d.Parse(body.data(), body.size());
  auto bad = [&path](absl::string_view why) {
    return absl::InvalidArgumentError(
        absl::StrCat(path, " is not an export checkpoint (", why, ")"));
  };
  if (d.HasParseError() || !d.IsObject()) return bad("not a JSON object");
  ExportCheckpoint c;
  auto str = [&](const char* key, std::string* out) {
    auto it = d.FindMember(key);
    if (it == d.MemberEnd() || !it->value.IsString()) return false;
    out->assign(it->value.GetString(), it->value.GetStringLength());
    return true;
  };
  auto num = [&](const char* key, int64_t* out) {
    auto it = d.FindMember(key);
    if (it == d.MemberEnd() || !it->value.IsInt64() || it->value.GetInt64() < 0) return false;
    *out = it->value.GetInt64();
    return true;
  };
  int64_t page_size = 0;
  if (!str("locationId", &c.location_id) || !str("query", &c.query) || !str("fields", &c.fields) ||
      !str("resumeToken", &c.resume_token) || !num("pageSize", &page_size) ||
      !num("bytes", &c.bytes) || !num("contacts", &c.contacts) || !num("pages", &c.pages) ||
      page_size > 100000) {
    return bad("a member is missing or has the wrong type");
  }
  if (c.resume_token.empty()) return bad("empty resumeToken");
  c.page_size = static_cast<int32_t>(page_size);
  return c;
}

}  // namespace ghl::client
