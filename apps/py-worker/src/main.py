"""py-worker: a service on the shared base image and the shared common library."""
from common import serve

if __name__ == "__main__":
    serve("py-worker")
