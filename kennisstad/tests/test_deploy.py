import os
import secrets
import subprocess
import sys


def test_production_settings_pass_the_deploy_check(tmp_path):
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "kennisstad.settings",
        "DEBUG": "0",
        "SECRET_KEY": secrets.token_urlsafe(64),
        "ALLOWED_HOSTS": "kennisstad.example.org",
        "KENNISSTAD_DATA_DIR": str(tmp_path),
        "EMAIL_HOST": "smtp.example.org",
    }
    # Test-only switches of this process (the browser tests' async guard) are no production settings.
    for name in ("DATABASE_URL", "DJANGO_ALLOW_ASYNC_UNSAFE"):
        env.pop(name, None)

    result = subprocess.run(
        [sys.executable, "-m", "kennisstad", "check", "--deploy", "--fail-level", "WARNING"],
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )

    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_without_a_secret_key_one_is_generated_and_kept_private(tmp_path):
    env = {
        **os.environ,
        "KENNISSTAD_DATA_DIR": str(tmp_path),
        "DJANGO_SETTINGS_MODULE": "kennisstad.settings",
    }
    env.pop("SECRET_KEY", None)
    env.pop("DATABASE_URL", None)

    for _ in range(2):
        subprocess.run(
            [sys.executable, "-m", "kennisstad", "check"], env=env, check=True, capture_output=True
        )

    key_file = tmp_path / "secret_key"
    assert len(key_file.read_text()) > 50
    assert key_file.stat().st_mode & 0o077 == 0
