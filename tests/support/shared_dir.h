// Where the tests find ../shared (the GHL spec and the demo location):
// $GHL_SHARED_DIR, else the build's default (GHL_SHARED_DIR in CMake, which
// is the checkout's ../shared).
#ifndef GHL_TESTS_SUPPORT_SHARED_DIR_H_
#define GHL_TESTS_SUPPORT_SHARED_DIR_H_

#include <cstdlib>
#include <string>

namespace ghl::testing {

/// The shared folder (ghl-api, data).
inline std::string SharedDir() {
  const char* env = std::getenv("GHL_SHARED_DIR");
  if (env != nullptr && *env != '\0') return env;
#ifdef GHL_SHARED_DIR_DEFAULT
  return GHL_SHARED_DIR_DEFAULT;
#else
  return "../shared";
#endif
}

/// The demo location's dataset folder.
inline std::string DemoDir() { return SharedDir() + "/data/location-demo"; }

}  // namespace ghl::testing

#endif  // GHL_TESTS_SUPPORT_SHARED_DIR_H_
