"""What gunicorn serves: `gunicorn wsgi:app`. Production settings unless PPI_CONFIG says otherwise."""
import os

from ppi import create_app

app = create_app(os.environ.get("PPI_CONFIG", "production"))
