// libFuzzer target: the webhook receiver's input path on untrusted bytes,
// ParseWebhookEvent (webhook_parser.h) and WebhookVerifier::Verify
// (webhook_verifier.h).
//
// Input: any bytes, used as the raw body (and, split at the first newline,
// as a candidate signature header). Properties checked on every input:
//   - no crash, hang or sanitizer report;
//   - Verify never accepts a header that was not made by our key for these
//     bytes, and accepts our own Ed25519 signature of them;
//   - a parsed event survives protobuf serialisation (what the log stores
//     and gRPC sends), its type is the one its payload_type names, and
//     missing_fields names only documented members, webhookId or timestamp.
// Seeds: tests/data/webhooks (the docs' example payloads). Built with
// libFuzzer by `GHL_FUZZ_TARGET=webhook_fuzzer tools/fuzz/run`; the unit
// build links it into webhook_fuzz_test with the small mutation driver.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <string>

#include "adapters/ghl/webhooks/webhook_parser.h"
#include "adapters/ghl/webhooks/webhook_signer.h"
#include "adapters/ghl/webhooks/webhook_verifier.h"

namespace {

namespace v1 = ::ghl::contacts::v1;

void Check(bool ok, const char* what) {
  if (ok) return;
  std::fprintf(stderr, "webhook_fuzzer: property violated: %s\n", what);
  std::abort();
}

struct Keys {
  std::unique_ptr<ghl::webhooks::WebhookSigner> signer;
  std::unique_ptr<ghl::webhooks::WebhookVerifier> verifier;
};

const Keys& TheKeys() {
  static const Keys* const kKeys = [] {
    auto* keys = new Keys;
    auto ed = ghl::webhooks::GenerateEd25519KeyPair();
    auto rsa = ghl::webhooks::GenerateRsaKeyPair(2048);
    Check(ed.ok() && rsa.ok(), "key generation");
    auto signer = ghl::webhooks::WebhookSigner::Create(ed->private_pem, "");
    auto verifier = ghl::webhooks::WebhookVerifier::Create(
        ghl::webhooks::WebhookKeys{{ed->public_pem}, {rsa->public_pem}});
    Check(signer.ok() && verifier.ok(), "signer and verifier");
    keys->signer = *std::move(signer);
    keys->verifier = *std::move(verifier);
    return keys;
  }();
  return *kKeys;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string body(reinterpret_cast<const char*>(data), size);
  const Keys& keys = TheKeys();

  // Signatures: the input's first line as either header never verifies (it
  // would take forging Ed25519 / RSA); our own signature always does.
  const std::string header = body.substr(0, body.find('\n'));
  Check(!keys.verifier->Verify(header, "", body).ok(), "forged Ed25519 header accepted");
  Check(!keys.verifier->Verify("", header, body).ok(), "forged RSA header accepted");
  auto signature = keys.signer->SignEd25519(body);
  Check(signature.ok(), "signing");
  auto scheme = keys.verifier->Verify(*signature, header, body);
  Check(scheme.ok() && *scheme == v1::SIGNATURE_SCHEME_ED25519, "own signature rejected");

  auto event = ghl::webhooks::ParseWebhookEvent(body);
  if (!event.ok()) {
    Check(event.status().code() == absl::StatusCode::kInvalidArgument, "error code");
    return 0;
  }
  std::string wire;
  Check(event->SerializeToString(&wire), "serialise");
  v1::Event back;
  Check(back.ParseFromString(wire), "parse back");
  Check(event->type() == ghl::webhooks::EventTypeFromPayloadType(event->payload_type()), "type");
  const auto documented = ghl::webhooks::DocumentedMembers(event->type());
  for (const std::string& name : event->missing_fields()) {
    bool known = name == "webhookId" || name == "timestamp";
    for (const auto& m : documented) known = known || name == m.name;
    Check(known, "missing_fields names an undocumented member");
  }
  return 0;
}
