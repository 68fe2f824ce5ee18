"""Database URLs from the environment."""
from config import database_url


def test_postgresql_urls_use_psycopg_and_give_up_connecting_after_ten_seconds():
    assert database_url("postgres://u@db/ppi") == "postgresql+psycopg://u@db/ppi?connect_timeout=10"
    assert database_url("postgresql://u@db/ppi?sslmode=require") == "postgresql+psycopg://u@db/ppi?sslmode=require&connect_timeout=10"
    assert database_url("postgresql+psycopg://u@db/ppi?connect_timeout=3") == "postgresql+psycopg://u@db/ppi?connect_timeout=3"


def test_no_url_means_sqlite_in_the_instance_folder():
    assert database_url(None) == "sqlite:///ppi.sqlite"
    assert database_url("sqlite:////tmp/x.sqlite") == "sqlite:////tmp/x.sqlite"
