// A credentials file: OAuth tokens obtained elsewhere (another system, a
// migration), to add locations without the authorization flow. A JSON array
// of
//   {"locationId": "...", "refreshToken": "...",
//    "accessToken": "..." (optional), "expiresAt": "RFC 3339" (optional),
//    "userType": "Location" | "Company" (optional, default Location),
//    "companyId": "..." (needed for Company)}
// A Company entry is stored as the company's credential (its locations are
// then connected by minting). Without accessToken/expiresAt the first call
// refreshes. Errors name the file, the entry and the member, never a value.
//
// Thread-safety: a pure function.
#ifndef GHL_ADAPTERS_GHL_AUTH_CREDENTIALS_FILE_H_
#define GHL_ADAPTERS_GHL_AUTH_CREDENTIALS_FILE_H_

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "adapters/ghl/auth/token_store.h"

namespace ghl::auth {

/// Reads a credentials file (see the file comment) into kOAuth credentials.
absl::StatusOr<std::vector<Credential>> LoadCredentialsFile(const std::string& path);

}  // namespace ghl::auth

#endif  // GHL_ADAPTERS_GHL_AUTH_CREDENTIALS_FILE_H_
