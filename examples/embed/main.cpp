// Embedding Warrant: load a pack, decide NDJSON claims from stdin, print the decisions.
//
//   warrant_embed rules.wpk < claims.ndjson > decisions.ndjson
//   warrant_embed rules.wpk --jobs 4 < claims.ndjson   # a batch on 4 threads
//
// One claim per line: each line's decision records go to stdout, as `warrant run` writes them; a
// malformed line is reported on stderr with its code (R07xx) and the rest are still decided.
// With --jobs the whole input is decided as one batch (Engine::DecideNdjson), error records
// included in place, exactly as `warrant run -j N` writes them.
#include <cstdlib>
#include <iostream>
#include <sstream>
#include <string>
#include <warrant/warrant.h>

int main(int argc, char** argv) {
  if (argc != 2 && !(argc == 4 && std::string(argv[2]) == "--jobs")) {
    std::cerr << "usage: warrant_embed PACK [--jobs N] < claims.ndjson\n";
    return 2;
  }
  try {
    const warrant::api::Engine engine = warrant::api::Engine::FromFile(argv[1]);
    if (argc == 4) {
      std::ostringstream input;
      input << std::cin.rdbuf();
      std::cout << engine.DecideNdjson(input.view(), std::atoi(argv[3]));
      return 0;
    }
    warrant::api::Session session(engine);
    std::string line, out;
    int malformed = 0;
    for (unsigned number = 1; std::getline(std::cin, line); ++number) {
      if (line.find_first_not_of(" \t\r") == std::string::npos)
        continue;
      out.clear();
      try {
        session.Decide(line, out);
      } catch (const warrant::api::Error& e) {
        std::cerr << "line " << number << ": " << e.code() << ": " << e.what() << '\n';
        ++malformed;
        continue;
      }
      std::cout << out;
    }
    return malformed ? 1 : 0;
  } catch (const warrant::api::Error& e) {
    std::cerr << e.code() << ": " << e.what() << '\n';
    return 1;
  }
}
