"""What gunicorn serves: `gunicorn wsgi:app` (set PPI_CONFIG=production and SECRET_KEY)."""
from ppi import create_app

app = create_app()
