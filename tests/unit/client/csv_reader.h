// A strict RFC 4180 reader for checking CsvWriter output in tests.
#ifndef GHL_TESTS_UNIT_CLIENT_CSV_READER_H_
#define GHL_TESTS_UNIT_CLIENT_CSV_READER_H_

#include <string>
#include <vector>

#include <gtest/gtest.h>

namespace ghl::client::testing {

// Parses CRLF-terminated records; quoted fields may hold anything. Fails the
// test on malformed input (a stray quote, a bare LF between records).
inline std::vector<std::vector<std::string>> ParseCsv(const std::string& text) {
  std::vector<std::vector<std::string>> rows;
  std::vector<std::string> row;
  std::string field;
  size_t i = 0;
  bool quoted_field = false;
  while (i < text.size()) {
    const char c = text[i];
    if (field.empty() && !quoted_field && c == '"') {
      quoted_field = true;
      ++i;
      while (true) {
        if (i >= text.size()) {
          ADD_FAILURE() << "unterminated quote";
          return rows;
        }
        if (text[i] == '"') {
          if (i + 1 < text.size() && text[i + 1] == '"') {
            field.push_back('"');
            i += 2;
            continue;
          }
          ++i;
          break;
        }
        field.push_back(text[i++]);
      }
      continue;
    }
    if (c == ',') {
      row.push_back(field);
      field.clear();
      quoted_field = false;
      ++i;
    } else if (c == '\r' && i + 1 < text.size() && text[i + 1] == '\n') {
      row.push_back(field);
      rows.push_back(row);
      row.clear();
      field.clear();
      quoted_field = false;
      i += 2;
    } else {
      if (quoted_field || c == '"' || c == '\r' || c == '\n') {
        ADD_FAILURE() << "malformed CSV at byte " << i;
        return rows;
      }
      field.push_back(c);
      ++i;
    }
  }
  if (!row.empty() || !field.empty()) ADD_FAILURE() << "last record not CRLF-terminated";
  return rows;
}

}  // namespace ghl::client::testing

#endif  // GHL_TESTS_UNIT_CLIENT_CSV_READER_H_
