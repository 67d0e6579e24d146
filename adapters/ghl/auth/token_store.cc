#include "adapters/ghl/auth/token_store.h"

#include "absl/strings/str_cat.h"

namespace ghl::auth {

absl::string_view KindName(CredentialKind kind) {
  switch (kind) {
    case CredentialKind::kPrivateIntegration:
      return "pit";
    case CredentialKind::kOAuth:
      return "oauth";
    case CredentialKind::kMintedLocation:
      return "minted";
  }
  return "pit";
}

absl::StatusOr<CredentialKind> ParseKind(absl::string_view name) {
  if (name == "pit") return CredentialKind::kPrivateIntegration;
  if (name == "oauth") return CredentialKind::kOAuth;
  if (name == "minted") return CredentialKind::kMintedLocation;
  return absl::InvalidArgumentError(
      absl::StrCat("unknown credential kind \"", name, "\" (pit, oauth, minted)"));
}

std::string CompanyKey(absl::string_view company_id) {
  return absl::StrCat("company:", company_id);
}

absl::StatusOr<std::vector<Credential>> InMemoryTokenStore::LoadAll() {
  std::lock_guard<std::mutex> lock(mu_);
  std::vector<Credential> out;
  for (const auto& [key, c] : records_) out.push_back(c);
  return out;
}

absl::Status InMemoryTokenStore::Save(const Credential& credential) {
  std::lock_guard<std::mutex> lock(mu_);
  if (fail_saves_ > 0) {
    --fail_saves_;
    return absl::UnavailableError("in-memory token store: injected save failure");
  }
  records_[credential.key] = credential;
  return absl::OkStatus();
}

absl::Status InMemoryTokenStore::Remove(absl::string_view key) {
  std::lock_guard<std::mutex> lock(mu_);
  records_.erase(std::string(key));
  return absl::OkStatus();
}

void InMemoryTokenStore::FailNextSaves(int count) {
  std::lock_guard<std::mutex> lock(mu_);
  fail_saves_ = count;
}

}  // namespace ghl::auth
