{
  "targets": [
    {
      "target_name": "tls_probe_aead",
      "sources": ["aead.c"],
      "defines": ["NAPI_VERSION=8"],
      "cflags": ["-O2", "-Wall", "-Wextra", "-Werror"]
    }
  ]
}
