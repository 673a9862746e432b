{
  # Built by build.js (npm run build:native). Links against node-llama-cpp's prebuilt llama.cpp
  # shared libraries with an rpath to their directory; headers come from the matching llama.cpp tag.
  "targets": [
    {
      "target_name": "densebench_llama",
      "sources": [
        "src/addon.cpp",
        "src/backend.cpp",
        "src/model.cpp",
        "src/context.cpp",
        "src/scorer.cpp",
        "src/pinned-prefix.cpp",
        "src/logsoftmax.cpp",
        "src/generator.cpp",
        "src/generate-util.cpp"
      ],
      "include_dirs": ["<!@(node paths.js includes)"],
      "libraries": ["<!@(node paths.js libs)"],
      "defines": ["NAPI_VERSION=8", "NAPI_CPP_EXCEPTIONS", "NODE_ADDON_API_DISABLE_DEPRECATED"],
      "cflags!": ["-fno-exceptions"],
      "cflags_cc!": ["-fno-exceptions", "-fno-rtti", "-std=gnu++17"],
      "cflags_cc": ["-std=c++17", "-fexceptions", "-O2", "-fopenmp-simd", "-Wall", "-Wno-unused-parameter"],
      "xcode_settings": {
        "GCC_ENABLE_CPP_EXCEPTIONS": "YES",
        "CLANG_CXX_LANGUAGE_STANDARD": "c++17",
        "OTHER_CPLUSPLUSFLAGS": ["-fopenmp-simd"],
        "MACOSX_DEPLOYMENT_TARGET": "11.0"
      }
    }
  ]
}
