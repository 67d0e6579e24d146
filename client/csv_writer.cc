#include "client/csv_writer.h"

#include <fcntl.h>
#include <stdlib.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <utility>

#include <google/protobuf/descriptor.h>
#include <google/protobuf/reflection.h>
#include <google/protobuf/util/json_util.h>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "adapters/ghl/contacts/contact_mapping.h"

namespace ghl::client {
namespace {

namespace v1 = ::ghl::contacts::v1;
using google::protobuf::FieldDescriptor;

// Proto field names of Contact written as fixed columns, in file order. The
// header uses each field's JSON name, which equals GHL's for all of them.
constexpr const char* kFixedFields[] = {
    "id",           "location_id",   "first_name", "last_name", "name",          "email",
    "phone",        "company_name",  "website",    "type",      "source",        "assigned_to",
    "address1",     "city",          "state",      "country",   "postal_code",   "timezone",
    "gender",       "date_of_birth", "dnd",        "business_id", "date_added",  "date_updated",
    "last_activity", "tags",         "followers",
};

const std::vector<const FieldDescriptor*>& FixedFieldDescriptors() {
  static const auto* const kFields = [] {
    auto* fields = new std::vector<const FieldDescriptor*>;
    for (const char* name : kFixedFields) {
      fields->push_back(v1::Contact::descriptor()->FindFieldByName(name));
    }
    return fields;
  }();
  return *kFields;
}

std::string FixedCell(const v1::Contact& contact, const FieldDescriptor* field) {
  const google::protobuf::Reflection* reflection = contact.GetReflection();
  if (field->is_repeated()) {
    google::protobuf::RepeatedPtrField<std::string> values;
    for (const std::string& value : reflection->GetRepeatedFieldRef<std::string>(contact, field)) {
      values.Add(std::string(value));
    }
    return JoinMultiValue(values);
  }
  if (!reflection->HasField(contact, field)) return "";
  switch (field->cpp_type()) {
    case FieldDescriptor::CPPTYPE_STRING:
      return reflection->GetString(contact, field);
    case FieldDescriptor::CPPTYPE_BOOL:
      return reflection->GetBool(contact, field) ? "true" : "false";
    case FieldDescriptor::CPPTYPE_MESSAGE:
      return ghl::contacts::FormatGhlTime(
          static_cast<const google::protobuf::Timestamp&>(reflection->GetMessage(contact, field)));
    default:
      return "";
  }
}

absl::Status SpoolError(int error, absl::string_view what) {
  // A short read at EOF leaves errno 0, which ErrnoToStatus would call OK.
  if (error == 0) return absl::DataLossError(absl::StrCat(what, " the CSV spool file (truncated)"));
  return absl::ErrnoToStatus(error, absl::StrCat(what, " the CSV spool file"));
}

}  // namespace

const std::vector<std::string>& CsvFixedColumns() {
  static const auto* const kColumns = [] {
    auto* columns = new std::vector<std::string>;
    for (const FieldDescriptor* field : FixedFieldDescriptors()) columns->push_back(field->json_name());
    return columns;
  }();
  return *kColumns;
}

std::string CsvQuote(absl::string_view field) {
  bool quote = field.find_first_of(",\"\r\n") != absl::string_view::npos;
  // Leading/trailing blanks are data (a GHL tag may be "  spaced  "); some
  // readers trim unquoted fields, none trims quoted ones.
  if (!field.empty()) {
    const char first = field.front();
    const char last = field.back();
    quote = quote || first == ' ' || first == '\t' || last == ' ' || last == '\t';
  }
  if (!quote) return std::string(field);
  std::string out;
  out.reserve(field.size() + 2);
  out.push_back('"');
  for (char c : field) {
    if (c == '"') out.push_back('"');
    out.push_back(c);
  }
  out.push_back('"');
  return out;
}

std::string JoinMultiValue(const google::protobuf::RepeatedPtrField<std::string>& values) {
  std::string out;
  bool first = true;
  for (const std::string& value : values) {
    if (!first) out.push_back(kMultiValueSeparator);
    first = false;
    for (char c : value) {
      if (c == kMultiValueSeparator || c == '\\') out.push_back('\\');
      out.push_back(c);
    }
  }
  return out;
}

std::vector<std::string> SplitMultiValue(absl::string_view cell) {
  std::vector<std::string> out;
  if (cell.empty()) return out;
  std::string current;
  for (size_t i = 0; i < cell.size(); ++i) {
    const char c = cell[i];
    if (c == '\\' && i + 1 < cell.size()) {
      current.push_back(cell[++i]);
    } else if (c == kMultiValueSeparator) {
      out.push_back(std::move(current));
      current.clear();
    } else {
      current.push_back(c);
    }
  }
  out.push_back(std::move(current));
  return out;
}

std::string FormatNumber(double value) {
  if (std::isnan(value)) return "NaN";
  if (std::isinf(value)) return value > 0 ? "Infinity" : "-Infinity";
  char buffer[64];
  if (value == std::floor(value) && std::fabs(value) < 1e15) {
    std::snprintf(buffer, sizeof(buffer), "%.0f", value);
    return buffer;
  }
  for (int precision = 15; precision <= 17; ++precision) {
    std::snprintf(buffer, sizeof(buffer), "%.*g", precision, value);
    if (std::strtod(buffer, nullptr) == value) break;
  }
  return buffer;
}

std::string FormatCustomFieldValue(const v1::CustomFieldValue& value) {
  switch (value.value_case()) {
    case v1::CustomFieldValue::kStringValue:
      return value.string_value();
    case v1::CustomFieldValue::kNumberValue:
      return FormatNumber(value.number_value());
    case v1::CustomFieldValue::kStringListValue:
      return JoinMultiValue(value.string_list_value().values());
    case v1::CustomFieldValue::kJsonValue: {
      std::string json;
      if (!google::protobuf::util::MessageToJsonString(value.json_value(), &json).ok()) return "";
      return json;
    }
    case v1::CustomFieldValue::VALUE_NOT_SET:
      return "";
  }
  return "";
}

std::string CustomFieldColumn(const v1::CustomFieldValue& value) {
  return absl::StrCat(kCustomFieldColumnPrefix, value.id().empty() ? value.key() : value.id());
}

absl::StatusOr<std::unique_ptr<CsvWriter>> CsvWriter::Create(const std::string& path, CsvOptions options) {
  // The spool lives next to the output (same file system, same free space
  // the user chose), not in a possibly small /tmp.
  std::string spool_template = absl::StrCat(path, ".spool.XXXXXX");
  int fd = ::mkstemp(spool_template.data());
  if (fd < 0) return SpoolError(errno, "cannot create");
  // Unlinked at once: the kernel frees it when closed, even after a crash.
  ::unlink(spool_template.c_str());
  std::FILE* spool = ::fdopen(fd, "w+b");
  if (spool == nullptr) {
    int error = errno;
    ::close(fd);
    return SpoolError(error, "cannot open");
  }
  absl::StatusOr<std::unique_ptr<OutputFile>> out = OutputFile::Create(path);
  if (!out.ok()) {
    std::fclose(spool);
    return out.status();
  }
  return std::unique_ptr<CsvWriter>(new CsvWriter(*std::move(out), spool, options));
}

CsvWriter::CsvWriter(std::unique_ptr<OutputFile> out, std::FILE* spool, CsvOptions options)
    : out_(std::move(out)), spool_(spool), options_(options) {}

CsvWriter::~CsvWriter() { Abort(); }

absl::Status CsvWriter::Write(const v1::Contact& contact) {
  if (spool_ == nullptr) return absl::FailedPreconditionError("CSV writer is closed");
  for (const v1::CustomFieldValue& value : contact.custom_fields()) {
    custom_columns_.insert(CustomFieldColumn(value));
  }
  buffer_.clear();
  if (!contact.SerializeToString(&buffer_)) return absl::InternalError("cannot serialize a contact");
  const uint32_t size = static_cast<uint32_t>(buffer_.size());
  const unsigned char prefix[4] = {static_cast<unsigned char>(size), static_cast<unsigned char>(size >> 8),
                                   static_cast<unsigned char>(size >> 16), static_cast<unsigned char>(size >> 24)};
  if (std::fwrite(prefix, 1, 4, spool_) != 4 || std::fwrite(buffer_.data(), 1, size, spool_) != size) {
    return SpoolError(errno, "cannot write");
  }
  return absl::OkStatus();
}

absl::Status CsvWriter::WriteRow(const v1::Contact& contact, const std::vector<std::string>& custom_columns) {
  std::vector<std::string> cells;
  cells.reserve(FixedFieldDescriptors().size() + custom_columns.size());
  for (const FieldDescriptor* field : FixedFieldDescriptors()) {
    cells.push_back(CsvQuote(FixedCell(contact, field)));
  }
  // Rows are sparse in custom fields: collect this contact's values by
  // column, then emit every header column (empty when absent).
  std::vector<std::string> custom_cells(custom_columns.size());
  for (const v1::CustomFieldValue& value : contact.custom_fields()) {
    const std::string column = CustomFieldColumn(value);
    auto it = std::lower_bound(custom_columns.begin(), custom_columns.end(), column);
    if (it == custom_columns.end() || *it != column) continue;
    std::string& cell = custom_cells[it - custom_columns.begin()];
    // The same field twice in one contact: keep both values rather than
    // silently dropping one.
    if (!cell.empty()) cell.push_back(kMultiValueSeparator);
    cell += FormatCustomFieldValue(value);
  }
  for (const std::string& cell : custom_cells) cells.push_back(CsvQuote(cell));
  return out_->Write(absl::StrCat(absl::StrJoin(cells, ","), "\r\n"));
}

absl::Status CsvWriter::Finish() {
  if (spool_ == nullptr) return absl::FailedPreconditionError("CSV writer is closed");
  absl::Status status;
  if (options_.bom) status = out_->Write("\xEF\xBB\xBF");
  const std::vector<std::string> custom_columns(custom_columns_.begin(), custom_columns_.end());
  if (status.ok()) {
    std::vector<std::string> header;
    for (const std::string& column : CsvFixedColumns()) header.push_back(CsvQuote(column));
    for (const std::string& column : custom_columns) header.push_back(CsvQuote(column));
    status = out_->Write(absl::StrCat(absl::StrJoin(header, ","), "\r\n"));
  }
  if (status.ok() && (std::fflush(spool_) != 0 || std::fseek(spool_, 0, SEEK_SET) != 0)) {
    status = SpoolError(errno, "cannot rewind");
  }
  v1::Contact contact;
  while (status.ok()) {
    unsigned char prefix[4];
    const size_t got = std::fread(prefix, 1, 4, spool_);
    if (got == 0 && std::feof(spool_)) break;
    if (got != 4) {
      status = SpoolError(errno, "cannot read");
      break;
    }
    const uint32_t size = static_cast<uint32_t>(prefix[0]) | (static_cast<uint32_t>(prefix[1]) << 8) |
                          (static_cast<uint32_t>(prefix[2]) << 16) | (static_cast<uint32_t>(prefix[3]) << 24);
    buffer_.resize(size);
    if (size > 0 && std::fread(buffer_.data(), 1, size, spool_) != size) {
      status = SpoolError(errno, "cannot read");
      break;
    }
    if (!contact.ParseFromString(buffer_)) {
      status = absl::DataLossError("the CSV spool file is corrupt");
      break;
    }
    status = WriteRow(contact, custom_columns);
  }
  std::fclose(spool_);
  spool_ = nullptr;
  if (!status.ok()) {
    out_->Abort();
    return status;
  }
  return out_->Commit();
}

void CsvWriter::Abort() {
  if (spool_ != nullptr) {
    std::fclose(spool_);
    spool_ = nullptr;
  }
  out_->Abort();
}

}  // namespace ghl::client
