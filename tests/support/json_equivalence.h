// JSON documents compared as documents (member order and number spelling
// ignored), for mapping and stub tests that check what is written against
// an expected text or the spec's examples (tests/support/spec_examples.h).
//
// Thread-safety: pure functions.
#ifndef GHL_TESTS_SUPPORT_JSON_EQUIVALENCE_H_
#define GHL_TESTS_SUPPORT_JSON_EQUIVALENCE_H_

#include <gtest/gtest.h>
#include <rapidjson/document.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <string>

namespace ghl::testing {

/// Compact text of a JSON value.
inline std::string JsonText(const rapidjson::Value& json) {
  rapidjson::StringBuffer buffer;
  rapidjson::Writer<rapidjson::StringBuffer> writer(buffer);
  json.Accept(writer);
  return std::string(buffer.GetString(), buffer.GetSize());
}

/// How SameJson compares.
enum class JsonCompare {
  kExact,               ///< up to member order and number spelling
  kAbsentIsEmptyArray,  ///< also: a missing member equals an empty array
};

/// True if `a` and `b` are the same JSON document up to member order and
/// number spelling (1 == 1.0), and with kAbsentIsEmptyArray up to empty
/// arrays that only one side has (proto3 lists cannot tell absent from
/// empty, so a mapping round trip may drop them). On a difference `why`
/// names the path.
inline bool SameJson(const rapidjson::Value& a, const rapidjson::Value& b, const std::string& path,
                     std::string* why, JsonCompare mode = JsonCompare::kExact) {
  auto differ = [&] {
    *why = path + ": " + JsonText(a) + " != " + JsonText(b);
    return false;
  };
  if (a.IsNumber() && b.IsNumber()) {
    const bool equal =
        a.IsInt64() && b.IsInt64() ? a.GetInt64() == b.GetInt64() : a.GetDouble() == b.GetDouble();
    return equal || differ();
  }
  if (a.GetType() != b.GetType()) return differ();
  if (a.IsString()) {
    return (a.GetStringLength() == b.GetStringLength() &&
            std::string(a.GetString(), a.GetStringLength()) ==
                std::string(b.GetString(), b.GetStringLength())) ||
           differ();
  }
  if (a.IsArray()) {
    if (a.Size() != b.Size()) return differ();
    for (rapidjson::SizeType i = 0; i < a.Size(); ++i) {
      if (!SameJson(a[i], b[i], path + "[" + std::to_string(i) + "]", why, mode)) return false;
    }
    return true;
  }
  if (!a.IsObject()) return true;
  auto only_in = [&](const rapidjson::Value& from, const rapidjson::Value& other) {
    for (const auto& member : from.GetObject()) {
      if (other.HasMember(member.name)) continue;
      if (mode == JsonCompare::kAbsentIsEmptyArray && member.value.IsArray() &&
          member.value.Empty()) {
        continue;
      }
      *why = path + "." + member.name.GetString() + ": only on one side";
      return true;
    }
    return false;
  };
  if (only_in(a, b) || only_in(b, a)) return false;
  for (const auto& member : a.GetObject()) {
    const auto other = b.FindMember(member.name);
    if (other == b.MemberEnd()) continue;
    if (!SameJson(member.value, other->value, path + "." + member.name.GetString(), why, mode)) {
      return false;
    }
  }
  return true;
}

/// SameJson of two JSON texts, as a gtest assertion.
inline ::testing::AssertionResult SameJsonText(const std::string& expected,
                                               const std::string& actual,
                                               JsonCompare mode = JsonCompare::kExact) {
  rapidjson::Document a, b;
  a.Parse<rapidjson::kParseFullPrecisionFlag>(expected.data(), expected.size());
  b.Parse<rapidjson::kParseFullPrecisionFlag>(actual.data(), actual.size());
  if (a.HasParseError()) return ::testing::AssertionFailure() << "unparseable: " << expected;
  if (b.HasParseError()) return ::testing::AssertionFailure() << "unparseable: " << actual;
  std::string why;
  if (!SameJson(a, b, "$", &why, mode)) {
    return ::testing::AssertionFailure()
           << why << "\n expected: " << expected << "\n actual:   " << actual;
  }
  return ::testing::AssertionSuccess();
}

}  // namespace ghl::testing

#endif  // GHL_TESTS_SUPPORT_JSON_EQUIVALENCE_H_
