"""Settings for the deployable site, read from the environment (see README)."""

import os
import sys
from pathlib import Path

from config import env

BASE_DIR = Path(__file__).resolve().parent.parent

try:
    DEBUG = env.boolean(os.environ, "DEBUG", default=False)
    SECRET_KEY = env.secret_key(os.environ, DEBUG, BASE_DIR / ".dev-secret-key")
    ALLOWED_HOSTS = env.word_list(os.environ, "ALLOWED_HOSTS", ["127.0.0.1", "localhost", "[::1]"])
    CSRF_TRUSTED_ORIGINS = env.origins(os.environ, "CSRF_TRUSTED_ORIGINS")
    DATABASES = {"default": env.database(os.environ, BASE_DIR / "db.sqlite3")}
    CHANNEL_LAYERS = {"default": env.channel_layer(os.environ)}
except env.EnvError as error:
    sys.exit(f"Configuration error: {error}")

INSTALLED_APPS = [
    "daphne",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "channels",
    "documents",
    "collab",
    "frontend",
    "config",  # the site's own: its login page and the demo command
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # Static files from the ASGI process itself, as deployed; `make run` collects them first.
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "config.urls"
ASGI_APPLICATION = "config.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# ModelBackend with the signed-in user read by one plain query, on every request and handshake
# (collab/backends.py). Sessions signed in through ModelBackend itself are signed out once.
AUTHENTICATION_BACKENDS = ["collab.backends.QuickModelBackend"]

LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "collab:list"
LOGOUT_REDIRECT_URL = "login"

LANGUAGE_CODE = "en-us"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}
# With DEBUG, files are served from the apps' folders as they change, collected or not.
WHITENOISE_USE_FINDERS = DEBUG
WHITENOISE_AUTOREFRESH = DEBUG
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
