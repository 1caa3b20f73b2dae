{
  "targets": [
    {
      "target_name": "tls_probe_aead",
      "sources": ["aead.c"],
      "cflags": ["-O2", "-Wall", "-Wextra", "-Werror"]
    }
  ]
}
