// Test helpers for the sandbox's webhooks: a real HTTP receiver (cpp-httplib
// on 127.0.0.1, port 0) that records every delivery attempt and answers
// with a scripted status, and OpenSSL verification of the two GHL signature
// headers over the exact received bytes (independent of the signer).
//
// Thread-safety: Receiver's methods are safe from any thread (the server's
// handler threads record under a mutex). Verify* are pure.
#ifndef GHL_TESTS_UNIT_SANDBOX_WEBHOOK_RECEIVER_UTIL_H_
#define GHL_TESTS_UNIT_SANDBOX_WEBHOOK_RECEIVER_UTIL_H_

#include <httplib.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <stdlib.h>
#include <unistd.h>

#include <chrono>
#include <condition_variable>
#include <fstream>
#include <functional>
#include <memory>
#include <mutex>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"

namespace ghl::sandbox::testing {

/// One attempt as the receiver saw it.
struct Delivery {
  std::string body;
  std::string content_type;
  std::string ed25519_signature;  ///< X-GHL-Signature ("" when absent)
  std::string rsa_signature;      ///< x-wh-signature ("" when absent)
};

/// The answer to the n-th attempt (1-based): status and Retry-After ("" none).
struct ReceiverAnswer {
  int status = 200;
  std::string retry_after;
};

/// A scripted webhook receiver. See the file comment.
class Receiver {
 public:
  using Answer = ReceiverAnswer;
  using Script = std::function<Answer(int n)>;

  Receiver() : Receiver([](int) { return Answer{}; }) {}
  explicit Receiver(Script script) : script_(std::move(script)) {
    server_.Post("/hook", [this](const httplib::Request& req, httplib::Response& res) {
      int n = 0;
      {
        std::unique_lock<std::mutex> lock(mu_);
        deliveries_.push_back({req.body, req.get_header_value("Content-Type"),
                               req.get_header_value("X-GHL-Signature"),
                               req.get_header_value("x-wh-signature")});
        n = static_cast<int>(deliveries_.size());
        cv_.notify_all();
        // A held receiver answers only once released.
        cv_.wait(lock, [this] { return !held_; });
      }
      const Answer answer = script_(n);
      res.status = answer.status;
      if (!answer.retry_after.empty()) res.set_header("Retry-After", answer.retry_after);
      res.set_content("{}", "application/json");
    });
    port_ = server_.bind_to_any_port("127.0.0.1");
    thread_ = std::thread([this] { server_.listen_after_bind(); });
    // Polled: this cpp-httplib has no wait_until_ready().
    while (!server_.is_running()) std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  ~Receiver() {
    Release();
    server_.stop();
    thread_.join();
  }

  std::string url() const { return absl::StrCat("http://127.0.0.1:", port_, "/hook"); }

  /// Attempts answer only after Release() (they are recorded at once).
  void Hold() {
    std::lock_guard<std::mutex> lock(mu_);
    held_ = true;
  }
  void Release() {
    std::lock_guard<std::mutex> lock(mu_);
    held_ = false;
    cv_.notify_all();
  }

  /// Waits until at least `n` attempts arrived (30 s deadline, a failure).
  /// @return the attempts so far.
  std::vector<Delivery> WaitFor(size_t n) {
    std::unique_lock<std::mutex> lock(mu_);
    const bool ok =
        cv_.wait_for(lock, std::chrono::seconds(30), [&] { return deliveries_.size() >= n; });
    EXPECT_TRUE(ok) << "only " << deliveries_.size() << " of " << n << " webhook attempts arrived";
    return deliveries_;
  }
  std::vector<Delivery> deliveries() const {
    std::lock_guard<std::mutex> lock(mu_);
    return deliveries_;
  }

 private:
  Script script_;
  httplib::Server server_;
  int port_ = 0;
  std::thread thread_;
  mutable std::mutex mu_;
  std::condition_variable cv_;
  std::vector<Delivery> deliveries_;  // guarded by mu_
  bool held_ = false;                 // guarded by mu_
};

inline std::string ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

/// Whether base64 `signature_b64` is a valid signature of `body` by the
/// public key in `public_pem` (Ed25519 pure, or RSA-SHA256 PKCS#1 v1.5).
inline bool VerifySignature(const std::string& public_pem, const std::string& signature_b64,
                            const std::string& body, bool ed25519) {
  std::string signature;
  if (!absl::Base64Unescape(signature_b64, &signature)) return false;
  BIO* bio = BIO_new_mem_buf(public_pem.data(), static_cast<int>(public_pem.size()));
  EVP_PKEY* key = PEM_read_bio_PUBKEY(bio, nullptr, nullptr, nullptr);
  BIO_free(bio);
  if (key == nullptr) return false;
  EVP_MD_CTX* ctx = EVP_MD_CTX_new();
  bool ok =
      EVP_DigestVerifyInit(ctx, nullptr, ed25519 ? nullptr : EVP_sha256(), nullptr, key) == 1 &&
      EVP_DigestVerify(ctx, reinterpret_cast<const unsigned char*>(signature.data()),
                       signature.size(), reinterpret_cast<const unsigned char*>(body.data()),
                       body.size()) == 1;
  EVP_MD_CTX_free(ctx);
  EVP_PKEY_free(key);
  return ok;
}

/// A fresh temporary directory (not removed: tests are short-lived).
inline std::string TempDir() {
  std::string pattern = "/tmp/ghl-sandbox-webhooks-XXXXXX";
  const char* dir = mkdtemp(pattern.data());
  EXPECT_NE(dir, nullptr);
  return pattern;
}

}  // namespace ghl::sandbox::testing

#endif  // GHL_TESTS_UNIT_SANDBOX_WEBHOOK_RECEIVER_UTIL_H_
