"""Run medallion (memory backend) on a free loopback port for the TAXII tests.

Usage: python medallion_runner.py CONFIG.json — CONFIG holds users, taxii and, under
backend.data, the memory backend's data. The port is chosen by the OS when the socket is
bound, written into the discovery resource, then printed on stdout; the server is already
listening at that point.
"""

import json
import sys

import medallion
from werkzeug.serving import make_server


def main() -> None:
    config_path = sys.argv[1]
    with open(config_path, encoding="utf-8") as f:
        config = json.load(f)
    server = make_server("127.0.0.1", 0, medallion.application_instance, threaded=True)
    base = f"http://127.0.0.1:{server.server_port}"
    data = config["backend"]["data"]
    data["/discovery"]["default"] = f"{base}/api1/"
    data["/discovery"]["api_roots"] = [f"{base}/api1/"]
    data_path = config_path + ".data.json"
    with open(data_path, "w", encoding="utf-8") as f:
        json.dump(data, f)
    backend = {"module": "medallion.backends.memory_backend", "module_class": "MemoryBackend",
               "filename": data_path}
    app = medallion.application_instance
    medallion.set_config(app, "users", config)
    medallion.set_config(app, "taxii", config)
    medallion.set_config(app, "backend", {"backend": backend})
    medallion.register_blueprints(app)
    print(server.server_port, flush=True)
    server.serve_forever()


if __name__ == "__main__":
    main()
