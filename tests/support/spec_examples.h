// The example documents of ../shared/ghl-api/apps/contacts.json, built from
// the spec at test time (never copied into the project): a schema's example
// is each property's `example`, a `$ref` resolved to the referenced schema's
// example, an enum's first value, an array of one example item.
//
// Thread-safety: SpecExamples::Get() is built once; the accessors are const.
#ifndef GHL_TESTS_SUPPORT_SPEC_EXAMPLES_H_
#define GHL_TESTS_SUPPORT_SPEC_EXAMPLES_H_

#include <rapidjson/document.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <string>
#include <vector>

#include "tests/support/subprocess.h"

namespace ghl::testing {

class SpecExamples {
 public:
  /// The spec, parsed once.
  static const SpecExamples& Get() {
    static const SpecExamples* const kSpec = new SpecExamples();
    return *kSpec;
  }

  /// True if the spec was found and parsed.
  bool ok() const { return doc_.IsObject(); }

  /// The example document of components.schemas[name] as JSON text ("null"
  /// when the schema has no example at all).
  std::string Example(const std::string& schema_name) const {
    rapidjson::Document out;
    if (!Build(Schema(schema_name), &out, out.GetAllocator())) out.SetNull();
    rapidjson::StringBuffer buffer;
    rapidjson::Writer<rapidjson::StringBuffer> writer(buffer);
    out.Accept(writer);
    return buffer.GetString();
  }

  /// The names of components.schemas[name].properties.
  std::vector<std::string> Properties(const std::string& schema_name) const {
    std::vector<std::string> names;
    const rapidjson::Value& schema = Schema(schema_name);
    if (!schema.HasMember("properties")) return names;
    for (const auto& property : schema["properties"].GetObject())
      names.push_back(property.name.GetString());
    return names;
  }

  /// The operation object of `method` (lower case) on `path`, or null.
  const rapidjson::Value& Operation(const std::string& path, const std::string& method) const {
    static const rapidjson::Value kNull;
    if (!ok() || !doc_["paths"].HasMember(path.c_str())) return kNull;
    const rapidjson::Value& item = doc_["paths"][path.c_str()];
    return item.HasMember(method.c_str()) ? item[method.c_str()] : kNull;
  }

 private:
  SpecExamples() {
    const std::string text = ReadFile(SharedDir() + "/ghl-api/apps/contacts.json");
    doc_.Parse<rapidjson::kParseFullPrecisionFlag>(text.data(), text.size());
    if (doc_.HasParseError()) doc_.SetNull();
  }

  const rapidjson::Value& Schema(const std::string& name) const {
    static const rapidjson::Value kEmpty(rapidjson::kObjectType);
    if (!ok()) return kEmpty;
    const rapidjson::Value& schemas = doc_["components"]["schemas"];
    return schemas.HasMember(name.c_str()) ? schemas[name.c_str()] : kEmpty;
  }

  bool Build(const rapidjson::Value& schema, rapidjson::Value* out,
             rapidjson::Document::AllocatorType& alloc) const {
    if (!schema.IsObject()) return false;
    const auto ref = schema.FindMember("$ref");
    if (ref != schema.MemberEnd()) {
      const std::string target = ref->value.GetString();
      // Only local references ("#/components/schemas/X") have examples here.
      if (target.rfind("#/", 0) != 0) return false;
      return Build(Schema(target.substr(target.rfind('/') + 1)), out, alloc);
    }
    if (schema.HasMember("example")) {
      out->CopyFrom(schema["example"], alloc);
      return true;
    }
    if (schema.HasMember("enum")) {
      out->CopyFrom(schema["enum"][0], alloc);
      return true;
    }
    if (schema.HasMember("properties")) {
      out->SetObject();
      for (const auto& property : schema["properties"].GetObject()) {
        rapidjson::Value value;
        if (Build(property.value, &value, alloc))
          out->AddMember(rapidjson::Value(property.name, alloc), value, alloc);
      }
      return true;
    }
    if (schema.HasMember("items")) {
      rapidjson::Value item;
      if (!Build(schema["items"], &item, alloc)) return false;
      out->SetArray();
      out->PushBack(item, alloc);
      return true;
    }
    if (schema.HasMember("anyOf")) return Build(schema["anyOf"][0], out, alloc);
    return false;
  }

  rapidjson::Document doc_;
};

}  // namespace ghl::testing

#endif  // GHL_TESTS_SUPPORT_SPEC_EXAMPLES_H_
