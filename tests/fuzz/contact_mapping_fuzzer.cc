// libFuzzer target: GHL JSON -> Contact proto mapping (contact_mapping.h),
// the code every upstream body goes through.
//
// Input: any bytes. They are parsed as JSON the way the stub does
// (iterative, full precision); a lone contact object, `{"contact": {...}}`
// and a `{"contacts": [...]}` page are all mapped. Properties checked on
// every input the mapping accepts:
//   - no crash, hang or sanitizer report (the point of fuzzing);
//   - the JSON the gateway writes reads back into the same JSON (a fixed
//     point), and, for input without duplicate member names or date-times
//     finer than GHL's milliseconds, proto -> JSON -> proto is the identity
//     (the mapping is lossless).
// Built with libFuzzer by tools/fuzz/run (clang); the unit build links the
// same function into contact_mapping_fuzz_test with a small driver.
#include <google/protobuf/util/message_differencer.h>
#include <rapidjson/document.h>

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>

#include "adapters/ghl/contacts/contact_mapping.h"

namespace {

// True if some object in `v` names a member twice (RFC 8259: names SHOULD be
// unique; which one wins is then the mapping's choice, see json_mapping.cc).
bool HasDuplicateNames(const rapidjson::Value& v) {
  if (v.IsArray()) {
    for (const auto& item : v.GetArray()) {
      if (HasDuplicateNames(item)) return true;
    }
  } else if (v.IsObject()) {
    for (auto a = v.MemberBegin(); a != v.MemberEnd(); ++a) {
      for (auto b = a + 1; b != v.MemberEnd(); ++b) {
        if (a->name == b->name) return true;
      }
      if (HasDuplicateNames(a->value)) return true;
    }
  }
  return false;
}

// True if some string in `v` looks like a date-time with digits past the
// millisecond: the mapping reads those to the nanosecond but writes GHL's
// millisecond form (a tested contract, json_mapping.h), so identity cannot
// hold for them.
bool HasSubMillisecondTime(const rapidjson::Value& v) {
  if (v.IsString()) {
    const std::string s(v.GetString(), v.GetStringLength());
    for (size_t p = s.find('.'); p != std::string::npos; p = s.find('.', p + 1)) {
      if (p < 3 || s[p - 3] != ':') continue;
      size_t digits = 0;
      while (p + 1 + digits < s.size() && s[p + 1 + digits] >= '0' && s[p + 1 + digits] <= '9')
        ++digits;
      if (digits > 3) return true;
    }
  } else if (v.IsArray()) {
    for (const auto& item : v.GetArray()) {
      if (HasSubMillisecondTime(item)) return true;
    }
  } else if (v.IsObject()) {
    for (const auto& m : v.GetObject()) {
      if (HasSubMillisecondTime(m.value)) return true;
    }
  }
  return false;
}

void CheckContact(const rapidjson::Value& value) {
  ghl::contacts::v1::Contact contact;
  if (!ghl::contacts::ContactFromJson(value, &contact).ok()) return;
  const std::string text = ghl::contacts::ContactToJsonString(contact);
  auto again = ghl::contacts::ContactFromJsonString(text);
  if (!again.ok()) {
    std::fprintf(stderr, "re-reading our own JSON failed: %s\n%s\n",
                 std::string(again.status().message()).c_str(), text.c_str());
    std::abort();
  }
  // Always: what the gateway writes reads back into what it writes again.
  const std::string text_again = ghl::contacts::ContactToJsonString(*again);
  if (text != text_again) {
    std::fprintf(stderr, "JSON -> proto -> JSON is not a fixed point\nfirst:  %s\nsecond: %s\n",
                 text.c_str(), text_again.c_str());
    std::abort();
  }
  // Without duplicate names or sub-millisecond times: proto -> JSON -> proto
  // is the identity.
  if (!HasDuplicateNames(value) && !HasSubMillisecondTime(value) &&
      !google::protobuf::util::MessageDifferencer::Equals(contact, *again)) {
    std::fprintf(stderr, "proto -> JSON -> proto is not the identity\nfirst:  %s\nsecond: %s\n",
                 contact.ShortDebugString().c_str(), again->ShortDebugString().c_str());
    std::abort();
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  rapidjson::Document doc;
  doc.Parse<rapidjson::kParseIterativeFlag | rapidjson::kParseFullPrecisionFlag>(
      reinterpret_cast<const char*>(data), size);
  if (doc.HasParseError() || !doc.IsObject()) return 0;
  CheckContact(doc);
  auto contacts = doc.FindMember("contacts");
  if (contacts != doc.MemberEnd() && contacts->value.IsArray()) {
    for (const auto& item : contacts->value.GetArray()) {
      if (item.IsObject()) CheckContact(item);
    }
  }
  auto contact = doc.FindMember("contact");
  if (contact != doc.MemberEnd() && contact->value.IsObject()) CheckContact(contact->value);
  return 0;
}
