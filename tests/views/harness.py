"""What the views tests share: the arguments (warrant binary, repo root, scratch dir), running
warrant with an expected exit status, golden files (WARRANT_UPDATE_GOLDEN=1 rewrites them), and
the failures list they report at the end."""
import os
import subprocess
import sys


class Harness:
    def __init__(self, argv, fresh=False):
        self.warrant, self.root, self.work = (os.path.abspath(a) for a in argv[1:4])
        self.golden_dir = os.path.join(self.root, "tests", "views", "golden")
        self.update = os.environ.get("WARRANT_UPDATE_GOLDEN") == "1"
        self.failures = []
        if fresh:
            import shutil
            shutil.rmtree(self.work, ignore_errors=True)
        os.makedirs(self.work, exist_ok=True)

    def run(self, args, cwd=None, expect=0, stdin=None):
        """`warrant ARGS` in the scratch dir (or cwd); a failure when it exits otherwise."""
        p = subprocess.run([self.warrant] + args, cwd=cwd or self.work, capture_output=True,
                           text=True, input=stdin)
        if p.returncode != expect:
            self.failures.append(f"warrant {' '.join(args)}: exit {p.returncode}, expected "
                                 f"{expect}\n{p.stdout[-1500:]}\n{p.stderr[-1500:]}")
        return p

    def golden(self, name, actual):
        path = os.path.join(self.golden_dir, name)
        if self.update:
            with open(path, "w") as f:
                f.write(actual)
            return
        with open(path) as f:
            expected = f.read()
        if actual != expected:
            self.failures.append(f"{name}: output differs from the golden "
                                 f"(WARRANT_UPDATE_GOLDEN=1 rewrites it)\n--- actual\n{actual}")

    def finish(self, passed):
        """Prints the failures and exits 1, or prints `passed`."""
        if self.failures:
            print("\n\n".join(self.failures))
            sys.exit(1)
        print(passed)
