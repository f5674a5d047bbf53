"""errcheck web service: a FastAPI app over `errcheck.Checker`.

    from service.main import create_app
    app = create_app()          # settings from ERRCHECK_* environment variables

Run it with ``errcheck serve`` (see `service.cli`) or any ASGI server
(``uvicorn --factory service.main:create_app``).
"""
