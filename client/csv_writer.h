// CsvWriter: writes contacts as one spreadsheet-friendly CSV table.
//
// Format (documented for users in `ghlctl export --help`):
// - RFC 4180: fields separated by ",", records end with CRLF, one header
//   row. A field is quoted when it contains `,`, `"`, CR or LF or starts or
//   ends with a space or tab; a `"` inside is doubled. Newlines inside a
//   value are kept (inside quotes), never dropped.
// - UTF-8. By default the file starts with a UTF-8 BOM (EF BB BF): Excel
//   needs it to read UTF-8 instead of the ANSI code page (without it café
//   becomes cafÃ©), and LibreOffice, Google Sheets, pandas (encoding
//   "utf-8-sig") and Python's csv module (same) accept it. CsvOptions::bom =
//   false (ghlctl --no-bom) drops it for tools that do not.
// - Fixed columns, in this order, named by GHL's JSON names: kCsvFixedColumns.
//   Timestamps as GHL writes them (2021-07-02T05:18:26.704Z), dnd as
//   true/false, absent values as empty cells.
// - `tags`: all tags in one cell, joined with "|" (kMultiValueSeparator). A
//   "|" or "\" inside a tag is written as "\|" or "\\", so the cell splits
//   back into the exact tags; commas and spaces need no escaping (the CSV
//   quoting protects them).
// - One column per custom field, "customField.<id>" (or ".<key>" for a value
//   that only has a key), sorted by id, after the fixed columns. Strings as
//   is, numbers in shortest round-trip form (42, 1234.5), lists joined like
//   tags, other JSON values as compact JSON.
// - The CSV is a flat view: nested objects (dndSettings, attribution) and
//   unknown upstream members are not in it; use JSONL for a lossless export.
//
// Memory: the header needs every custom field id, so rows cannot be written
// until the end. Write() spools each contact (length-prefixed serialized
// proto) to an unlinked temporary file next to the output and keeps only
// the set of custom field ids in memory; Finish() writes the header, then
// reads the spool back once and writes the rows. Memory use does not grow
// with the number of contacts; disk use is about twice the output.
//
// Threading and ownership: see ContactWriter. The spool is removed by the
// kernel when the writer closes it, even if the process dies.
#ifndef GHL_CLIENT_CSV_WRITER_H_
#define GHL_CLIENT_CSV_WRITER_H_

#include <cstdio>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include <google/protobuf/repeated_field.h>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "client/contact_writer.h"
#include "client/output_file.h"

namespace ghl::client {

/// Separator of multi-valued cells (tags, list custom fields).
inline constexpr char kMultiValueSeparator = '|';

/// Prefix of custom field column names.
inline constexpr absl::string_view kCustomFieldColumnPrefix = "customField.";

/// Options of CsvWriter.
struct CsvOptions {
  /// Start the file with a UTF-8 byte order mark (see the file comment).
  bool bom = true;
};

/// @return the fixed column names (GHL JSON names), in file order.
const std::vector<std::string>& CsvFixedColumns();

/// Quotes one field per RFC 4180 when needed (see the file comment).
/// @param field UTF-8 text; bytes are never altered.
std::string CsvQuote(absl::string_view field);

/// Joins values with kMultiValueSeparator, escaping "|" and "\" inside them.
std::string JoinMultiValue(const google::protobuf::RepeatedPtrField<std::string>& values);

/// Splits a cell made by JoinMultiValue back into its values.
std::vector<std::string> SplitMultiValue(absl::string_view cell);

/// Formats a number in the shortest form that reads back to the same double
/// ("42", "1234.5", "0.1").
std::string FormatNumber(double value);

/// @return the CSV cell text of one custom field value ("" if it has none).
std::string FormatCustomFieldValue(const ghl::contacts::v1::CustomFieldValue& value);

/// @return the column name of a custom field value: "customField.<id>", or
///         "customField.<key>" when it has no id.
std::string CustomFieldColumn(const ghl::contacts::v1::CustomFieldValue& value);

/// See the file comment.
class CsvWriter final : public ContactWriter {
 public:
  /// Opens "<path>.partial" and an unlinked spool file in the same folder.
  /// @return the writer, or the error of creating either file.
  static absl::StatusOr<std::unique_ptr<CsvWriter>> Create(const std::string& path, CsvOptions options);

  ~CsvWriter() override;
  CsvWriter(const CsvWriter&) = delete;
  CsvWriter& operator=(const CsvWriter&) = delete;

  absl::Status Write(const ghl::contacts::v1::Contact& contact) override;
  absl::Status Finish() override;
  void Abort() override;

 private:
  CsvWriter(std::unique_ptr<OutputFile> out, std::FILE* spool, CsvOptions options);
  absl::Status WriteRow(const ghl::contacts::v1::Contact& contact, const std::vector<std::string>& custom_columns);

  std::unique_ptr<OutputFile> out_;
  std::FILE* spool_;
  CsvOptions options_;
  std::set<std::string> custom_columns_;
  std::string buffer_;  // reused per record
};

}  // namespace ghl::client

#endif  // GHL_CLIENT_CSV_WRITER_H_
