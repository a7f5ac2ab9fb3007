# ruff: noqa: E501, S104
"""Crash-looping containers across runtimes and frameworks, where the crash's own text tells the cause.

.NET (options validation, a configuration file not where the host looks, a missing assembly, DI that cannot resolve
a service, Kestrel refused a low port), Ruby (Puma and Rails secrets, Zeitwerk, Sidekiq), PHP (Laravel APP_KEY,
php-fpm pool config, Symfony env placeholders), Elixir/Erlang (runtime.exs, application start failures, BEAM
allocation failures, Postgrex), Rust (clap, panics), Go (logrus fatal on a config path, concurrent map writes), Java
(Spring failure analyzers for a bean missing because of a placeholder setting and for a method missing from the
classpath, NoClassDefFoundError, Micronaut), Node (module not found, unhandled rejection, env validation), Python
(uvicorn app path, Celery, gunicorn import errors, pydantic-settings), Caddy and nginx start-up failures and a shell
entrypoint under `set -u`. Missing modules in an image are the build's fault (application_crash) unless the
deployment's command or mounts made them missing.
"""

from __future__ import annotations

from typing import Any

from tests.rca_corpus.kube import (
    container,
    crash_events,
    deployment_and_rs,
    event,
    log_text,
    meta,
    node,
    pod,
    pvc,
    running,
    scenario,
    service,
    terminated,
    uid,
    waiting,
)


# --- helpers -----------------------------------------------------------------------------------------------------
def _loop(pod_name: str, ns: str, cname: str, exit_code: int = 1, restarts: int = 7, reason: str = "Error",
          message: str = "", backoff: str = "5m0s") -> dict[str, Any]:
    """Keyword arguments of `container()` for a container in CrashLoopBackOff (kubelet's wording)."""
    return {"state": waiting("CrashLoopBackOff",
                             f"back-off {backoff} restarting failed container={cname} pod={pod_name}_{ns}({uid(pod_name)})"),
            "last": terminated(exit_code, reason, message), "restarts": restarts}






def _workload(kind: str, name: str, ns: str, image: str, *, replicas: int = 1, ready: int = 0) -> dict[str, Any]:
    """A StatefulSet or DaemonSet as the API server returns it."""
    spec: dict[str, Any] = {"selector": {"matchLabels": {"app": name}},
                            "template": {"metadata": {"labels": {"app": name}},
                                         "spec": {"containers": [{"name": name, "image": image}]}}}
    if kind == "StatefulSet":
        spec |= {"replicas": replicas, "serviceName": name}
        status = {"observedGeneration": 1, "replicas": replicas, "readyReplicas": ready,
                  "currentReplicas": replicas, "updatedReplicas": replicas, "availableReplicas": ready}
    else:
        status = {"observedGeneration": 1, "currentNumberScheduled": replicas, "desiredNumberScheduled": replicas,
                  "numberMisscheduled": 0, "numberReady": ready, "numberAvailable": ready,
                  "numberUnavailable": replicas - ready, "updatedNumberScheduled": replicas}
    return {"apiVersion": "apps/v1", "kind": kind, "metadata": meta(name, ns, generation=1), "spec": spec,
            "status": status}




def _restarted(restarts: int, exit_code: int, reason: str = "Error") -> dict[str, Any]:
    """A container running again after `restarts` crashes (the last one ended with `exit_code`)."""
    return {"state": running(), "last": terminated(exit_code, reason), "restarts": restarts}


_SPRING_BANNER = (
    "  .   ____          _            __ _ _",
    " /\\\\ / ___'_ __ _ _(_)_ __  __ _ \\ \\ \\ \\",
    "( ( )\\___ | '_ | '_| | '_ \\/ _` | \\ \\ \\ \\",
    " \\\\/  ___)| |_)| | | | | || (_| |  ) ) ) )",
    "  '  |____| .__|_| |_|_| |_\\__, | / / / /",
    " =========|_|==============|___/=/_/_/_/",
)


# =================================================================================================================
# config_error
# =================================================================================================================

# --- .NET: options validated on start; a required setting is missing. Serilog JSON: the rendered message is generic,
#     the cause sits in the Exception field.
_ns, _img, _name, _c = "portal", "tractusx/portal-administration-service:v2.3.0", "administration-service-7f9c6d8b5-q2lzr", "administration-service"
_q = "Microsoft.Extensions.Options.OptionsValidationException: DataAnnotation validation failed for 'BpdmAccessSettings' members: 'BaseUrl' with the error: 'The BaseUrl field is required"
_p = pod(_name, _ns, [container(_c, _img, env=[{"name": "ASPNETCORE_ENVIRONMENT", "value": "Production"},
                                               {"name": "BPDM__CLIENTID", "value": "sa-cl7-cx-5"}],
                                **_loop(_name, _ns, _c, 1, 6))])
scenario(
    "rt-dotnet-options-validation-serilog-json", "config_error", difficulty="hard",
    note=".NET ValidateOnStart: Serilog JSON says only 'Start failed due to unhandled exception'; the OptionsValidationException (BaseUrl required) is in the Exception field",
    source=[{"url": "https://github.com/eclipse-tractusx/portal-backend/issues/1056", "quote": _q}],
    objects=[_p, *deployment_and_rs("administration-service", _ns, "7f9c6d8b5", _img), node()],
    events=crash_events(_p, _c, _img, 6),
    logs={f"{_ns}/{_name}/{_c}:previous": log_text(
        '{"Timestamp":"2026-11-20T08:14:31.0421337+00:00","Level":"Information","MessageTemplate":"Starting the application","RenderedMessage":"Starting the application","Properties":{"SourceContext":"Org.Eclipse.TractusX.Portal.Backend.Administration.Service"}}',
        '{"Timestamp":"2026-11-20T08:14:31.5118210+00:00","Level":"Warning","MessageTemplate":"Overriding address(es) \'{addresses}\'. Binding to endpoints defined via IConfiguration and/or UseKestrel() instead.","RenderedMessage":"Overriding address(es) \'\\"http://+:8080\\"\'. Binding to endpoints defined via IConfiguration and/or UseKestrel() instead.","Properties":{"SourceContext":"Microsoft.AspNetCore.Server.Kestrel"}}',
        '{"Timestamp":"2026-11-20T08:14:31.8804415+00:00","Level":"Fatal","MessageTemplate":"Start failed due to unhandled exception","RenderedMessage":"Start failed due to unhandled exception","Exception":"'
        + _q + '.\'.\\n   at Microsoft.Extensions.Options.OptionsFactory`1.Create(String name)\\n   at Microsoft.Extensions.Options.StartupValidator.Validate()\\n   at Microsoft.Extensions.Hosting.Internal.Host.StartAsync(CancellationToken cancellationToken)\\n   at Microsoft.Extensions.Hosting.HostingAbstractionsHostExtensions.Run(IHost host)\\n   at Program.<Main>$(String[] args) in /src/administration/Administration.Service/Program.cs:line 58","Properties":{"SourceContext":"Org.Eclipse.TractusX.Portal.Backend.Administration.Service"}}',
        '{"Timestamp":"2026-11-20T08:14:31.8912004+00:00","Level":"Information","MessageTemplate":"Server Shutting down","RenderedMessage":"Server Shutting down"}')})

# --- .NET: appsettings.json comes from a ConfigMap mounted under /app/config; the host reads /app.
_ns, _img, _name, _c = "bookmarks", "ghcr.io/spaytac/linkdingsync:latest", "linkdingsync-6d5b8f7c9-k8x2m", "linkdingsync"
_q = "Unhandled exception. System.IO.FileNotFoundException: The configuration file 'appsettings.json' was not found and is not optional. The expected physical path was '/app/appsettings.json'."
_p = pod(_name, _ns, [container(_c, _img, volumeMounts=[{"name": "settings", "mountPath": "/app/config", "readOnly": True}],
                                **_loop(_name, _ns, _c, 134, 9))],
         volumes=[{"name": "settings", "configMap": {"name": "linkdingsync-settings", "defaultMode": 420}}])
scenario(
    "rt-dotnet-appsettings-mounted-elsewhere", "config_error", difficulty="hard",
    note="FileNotFoundException reads like a broken image, but the file is a ConfigMap mounted at /app/config while the host looks in /app; exit 134 (SIGABRT of an unhandled .NET exception)",
    source=[{"url": "https://github.com/spaytac/linkdingsync/issues/3", "quote": _q}],
    objects=[_p, *deployment_and_rs("linkdingsync", _ns, "6d5b8f7c9", _img), node(),
             {"apiVersion": "v1", "kind": "ConfigMap", "metadata": meta("linkdingsync-settings", _ns),
              "data": {"appsettings.json": '{\n  "Linkding": { "Url": "http://linkding.bookmarks.svc:9090" },\n  "Worker": { "Interval": 60 }\n}\n'}}],
    events=crash_events(_p, _c, _img, 9),
    logs={f"{_ns}/{_name}/{_c}:previous": log_text(
        _q,
        "   at Microsoft.Extensions.Configuration.FileConfigurationProvider.HandleException(ExceptionDispatchInfo info)",
        "   at Microsoft.Extensions.Configuration.FileConfigurationProvider.Load(Boolean reload)",
        "   at Microsoft.Extensions.Configuration.FileConfigurationProvider.Load()",
        "   at Microsoft.Extensions.Configuration.ConfigurationRoot..ctor(IList`1 providers)",
        "   at Microsoft.Extensions.Configuration.ConfigurationBuilder.Build()",
        "   at Microsoft.Extensions.Hosting.HostBuilder.BuildHostConfiguration()",
        "   at Microsoft.Extensions.Hosting.HostBuilder.Build()",
        "   at Program.<Main>$(String[] args) in /src/src/Wallabag/Program.cs:line 3",
        "   at Program.<Main>(String[] args)")})

# --- Rails under Puma: SECRET_KEY_BASE not set for production.
_ns, _img, _name, _c = "support", "chatwoot/chatwoot:v3.9.0", "chatwoot-web-5c7d9f6b8-vx4np", "chatwoot"
_q = "Missing `secret_key_base` for 'production' environment, set this string with `rails credentials:edit` (ArgumentError)"
_p = pod(_name, _ns, [container(_c, _img, command=["bundle", "exec", "rails", "s", "-p", "3000", "-b", "0.0.0.0"],
                                env=[{"name": "RAILS_ENV", "value": "production"},
                                     {"name": "POSTGRES_HOST", "value": "chatwoot-postgresql"}],
                                limits={"memory": "1Gi"}, **_loop(_name, _ns, _c, 1, 5))])
scenario(
    "rt-rails-puma-secret-key-base-missing", "config_error",
    note="Puma boots Rails in production and exits: secret_key_base is not set (SECRET_KEY_BASE env missing)",
    source=[{"url": "https://github.com/chatwoot/chatwoot/issues/299", "quote": _q}],
    objects=[_p, *deployment_and_rs("chatwoot-web", _ns, "5c7d9f6b8", _img), node()],
    events=crash_events(_p, _c, _img, 5),
    logs={f"{_ns}/{_name}/{_c}:previous": log_text(
        "=> Booting Puma",
        "=> Rails 6.0.1 application starting in production ",
        "=> Run `rails server --help` for more startup options",
        "Exiting",
        "/usr/local/bundle/gems/railties-6.0.1/lib/rails/application.rb:580:in `validate_secret_key_base': " + _q,
        "\tfrom /usr/local/bundle/gems/railties-6.0.1/lib/rails/application.rb:423:in `secret_key_base'",
        "\tfrom /usr/local/bundle/gems/devise-4.7.1/lib/devise/secret_key_finder.rb:24:in `key_exists?'",
        "\tfrom /usr/local/bundle/gems/devise-4.7.1/lib/devise/secret_key_finder.rb:16:in `find'",
        "\tfrom /usr/local/bundle/gems/devise-4.7.1/lib/devise/rails.rb:37:in `block in <class:Engine>'",
        "\tfrom /usr/local/bundle/gems/railties-6.0.1/lib/rails/initializable.rb:32:in `instance_exec'")})

# --- Laravel: the container runs, but every request (and the readiness probe) gets a 500: APP_KEY is empty.
_ns, _img, _name, _c = "netmon", "lscr.io/linuxserver/speedtest-tracker:0.12.2", "speedtest-tracker-84c6d7f9b-2mqtz", "speedtest-tracker"
_q = "production.ERROR: No application encryption key has been specified."
_p = pod(_name, _ns, [container(_c, _img, ready=False, env=[{"name": "APP_KEY", "value": ""},
                                                          {"name": "DB_CONNECTION", "value": "sqlite"}],
                                readinessProbe={"httpGet": {"path": "/", "port": 80, "scheme": "HTTP"},
                                                "periodSeconds": 10, "timeoutSeconds": 1, "failureThreshold": 3})])
scenario(
    "rt-laravel-app-key-empty-readiness-500", "config_error", difficulty="hard",
    note="No restarts: the readiness probe fails with 500 and the Laravel log says MissingAppKeyException (APP_KEY empty); the probe is right, the setting is not",
    source=[{"url": "https://github.com/alexjustesen/speedtest-tracker/issues/815", "quote": _q}],
    objects=[_p, *deployment_and_rs("speedtest-tracker", _ns, "84c6d7f9b", _img), node()],
    events=[event(_p, "Started", f"Started container {_c}", type_="Normal", count=1),
            event(_p, "Unhealthy", "Readiness probe failed: HTTP probe failed with statuscode: 500", count=88)],
    logs={f"{_ns}/{_name}/{_c}": log_text(
        "[custom-init] No custom files found, skipping...",
        "[ls.io-init] done.",
        "10.244.3.1 - - [20/Nov/2026:08:14:20 +0000] \"GET / HTTP/1.1\" 500 6609 \"-\" \"kube-probe/1.31\"",
        "[2026-11-20 08:14:30] " + _q + " {\"exception\":\"[object] (Illuminate\\\\Encryption\\\\MissingAppKeyException(code: 0): No application encryption key has been specified. at /var/www/html/vendor/laravel/framework/src/Illuminate/Encryption/EncryptionServiceProvider.php:79)",
        "[stacktrace]",
        "#0 /var/www/html/vendor/laravel/framework/src/Illuminate/Support/helpers.php(307): Illuminate\\\\Encryption\\\\EncryptionServiceProvider->Illuminate\\\\Encryption\\\\{closure}()",
        "#1 /var/www/html/vendor/laravel/framework/src/Illuminate/Encryption/EncryptionServiceProvider.php(77): tap()",
        "#2 /var/www/html/vendor/laravel/framework/src/Illuminate/Encryption/EncryptionServiceProvider.php(60): Illuminate\\\\Encryption\\\\EncryptionServiceProvider->key()",
        "#3 /var/www/html/vendor/laravel/framework/src/Illuminate/Encryption/EncryptionServiceProvider.php(32): Illuminate\\\\Encryption\\\\EncryptionServiceProvider->parseKey()",
        "\"} ",
        "10.244.3.1 - - [20/Nov/2026:08:14:30 +0000] \"GET / HTTP/1.1\" 500 6609 \"-\" \"kube-probe/1.31\"")})

# --- php-fpm: a pool file from a ConfigMap has no [pool] section header.
_ns, _img, _name, _c = "shop", "registry.example.com/shop/php-fpm:8.2.12", "storefront-php-6f8d7c5b9-rp7wd", "php-fpm"
_q = "ERROR: [/usr/local/etc/php-fpm.d/xlaravel.pool.conf:1] unknown entry 'user'"
_p = pod(_name, _ns, [container(_c, _img, volumeMounts=[{"name": "pool", "mountPath": "/usr/local/etc/php-fpm.d/xlaravel.pool.conf", "subPath": "xlaravel.pool.conf"}],
                                **_loop(_name, _ns, _c, 78, 6))],
         volumes=[{"name": "pool", "configMap": {"name": "php-fpm-pool"}}])
scenario(
    "rt-php-fpm-pool-conf-unknown-entry", "config_error",
    note="php-fpm exits 78 (EX_CONFIG): the mounted pool file lacks its [pool] header, so 'user' is an unknown entry; a PHP warning above is noise",
    source=[{"url": "https://github.com/laradock/laradock/issues/1669", "quote": _q}],
    objects=[_p, *deployment_and_rs("storefront-php", _ns, "6f8d7c5b9", _img, replicas=2), node()],
    events=crash_events(_p, _c, _img, 6),
    logs={f"{_ns}/{_name}/{_c}:previous": log_text(
        "[20-Nov-2026 08:14:37] NOTICE: PHP message: PHP Warning:  Module 'tokenizer' already loaded in Unknown on line 0",
        "[20-Nov-2026 08:14:37] " + _q,
        "[20-Nov-2026 08:14:37] ERROR: Unable to include /usr/local/etc/php-fpm.d/xlaravel.pool.conf from /usr/local/etc/php-fpm.conf at line 1",
        "[20-Nov-2026 08:14:37] ERROR: failed to load configuration file '/usr/local/etc/php-fpm.conf'",
        "[20-Nov-2026 08:14:37] ERROR: FPM initialization failed")})

# --- Symfony: the entrypoint warms the cache before php-fpm; an env placeholder has no value.
_ns, _img, _name, _c = "catalog", "registry.example.com/catalog/api:4.1.0", "catalog-api-5b9c8d7f6-jt6hv", "api"
_q = 'Environment variable not found: "MYSQL_DATABASE".'
_p = pod(_name, _ns, [container(_c, _img, command=["/usr/local/bin/docker-entrypoint.sh"], args=["php-fpm"],
                                env=[{"name": "APP_ENV", "value": "prod"}, {"name": "MYSQL_HOST", "value": "catalog-mysql"},
                                     {"name": "MYSQL_USER", "value": "catalog"}],
                                **_loop(_name, _ns, _c, 1, 5))])
scenario(
    "rt-symfony-cache-warmup-env-not-found", "config_error",
    note="Symfony's cache:warmup in the entrypoint: EnvNotFoundException for MYSQL_DATABASE, which the Deployment does not set",
    source=[{"url": "https://github.com/symfony/flex/issues/161", "quote": _q}],
    objects=[_p, *deployment_and_rs("catalog-api", _ns, "5b9c8d7f6", _img), node()],
    events=crash_events(_p, _c, _img, 5),
    logs={f"{_ns}/{_name}/{_c}:previous": log_text(
        "+ bin/console cache:warmup --env=prod --no-debug",
        "",
        "                                                                          ",
        "  [Symfony\\Component\\DependencyInjection\\Exception\\EnvNotFoundException]  ",
        "  " + _q + "                       ",
        "                                                                          ",
        "",
        "cache:warmup [--no-optional-warmers] [-h|--help] [-q|--quiet] [-v|vv|vvv|--verbose] [-V|--version] [--ansi] [--no-ansi] [-n|--no-interaction] [-e|--env ENV] [--no-debug] [--] <command>")})

# --- Phoenix release: runtime.exs raises because DATABASE_URL is not set.
_ns, _img, _name, _c = "helpdesk", "papercups/papercups:latest", "papercups-7c6f9d8b4-hw2qs", "papercups"
_q = "** (RuntimeError) environment variable DATABASE_URL is missing."
_p = pod(_name, _ns, [container(_c, _img, env=[{"name": "SECRET_KEY_BASE", "valueFrom": {"secretKeyRef": {"name": "papercups", "key": "secret-key-base"}}},
                                               {"name": "BACKEND_URL", "value": "chat.example.com"}],
                                **_loop(_name, _ns, _c, 1, 8))])
scenario(
    "rt-phoenix-runtime-exs-database-url-missing", "config_error",
    note="Elixir release: Config.Reader fails in runtime.exs, DATABASE_URL missing from the pod's env",
    source=[{"url": "https://github.com/papercups-io/papercups/issues/663", "quote": _q}],
    objects=[_p, *deployment_and_rs("papercups", _ns, "7c6f9d8b4", _img), node()],
    events=crash_events(_p, _c, _img, 8),
    logs={f"{_ns}/{_name}/{_c}:previous": log_text(
        "ERROR! Config provider Config.Reader failed with:",
        _q,
        "For example: ecto://USER:PASS@HOST/DATABASE",
        "",
        "    (stdlib 3.12.1) erl_eval.erl:680: :erl_eval.do_apply/6",
        "    (stdlib 3.12.1) erl_eval.erl:449: :erl_eval.expr/5",
        "    (elixir 1.10.4) src/elixir.erl:278: :elixir.recur_eval/3",
        "    (elixir 1.10.4) src/elixir.erl:263: :elixir.eval_forms/3",
        "    (elixir 1.10.4) lib/config/reader.ex:57: Config.Reader.read!/2",
        "",
        "{\"init terminating in do_boot\",{#{'__exception__'=>true,'__struct__'=>'Elixir.RuntimeError',message=><<101,110,118,105,114,111,110,109,101,110,116,32,118,97,114,105,97,98,108,101,32,68,65,84,65,66,65,83,69,95,85,82,76,32,105,115,32,109,105,115,115,105,110,103,46,10>>},[]}}",
        "init terminating in do_boot ({,#{message=><<_>>,__exception__=>true,__struct__=>Elixir.RuntimeError},[]})",
        "",
        "Crash dump is being written to: erl_crash.dump...done")})

# --- Rust/clap: the image no longer passes its arguments; the Deployment gives none. Termination message only.
_ns, _img, _name, _c = "git", "ghcr.io/w4/rgit:main", "rgit-6b8d5f9c7-xq4lt", "rgit"
_q = "error: one or more required arguments were not provided"
_p = pod(_name, _ns, [container(_c, _img, terminationMessagePolicy="FallbackToLogsOnError",
                                env=[{"name": "REFRESH_INTERVAL", "value": "5m"}],
                                volumeMounts=[{"name": "repos", "mountPath": "/git"}],
                                **_loop(_name, _ns, _c, 2, 11, message=_q + "\n\nFor more information, try '--help'.\n"))],
         volumes=[{"name": "repos", "persistentVolumeClaim": {"claimName": "rgit-repos"}}])
scenario(
    "rt-rust-clap-no-args-termination-message", "config_error", difficulty="hard",
    note="Logs unreadable; the termination message (FallbackToLogsOnError) holds clap's older wording, exit 2: the container is started without its bind address and repo path",
    source=[{"url": "https://github.com/w4/rgit/issues/96", "quote": _q}],
    objects=[_p, *deployment_and_rs("rgit", _ns, "6b8d5f9c7", _img), pvc("rgit-repos", _ns, size="20Gi"), node()],
    events=crash_events(_p, _c, _img, 11),
    unavailable=["logs"])

# --- uvicorn: the command names "main:app" but the module lives in src/.
_ns, _img, _name, _c = "scraping", "registry.example.com/scraping/fiverr-api:0.3.0", "fiverr-api-7d4c9b6f8-m9vzk", "api"
_q = 'ERROR:    Error loading ASGI app. Could not import module "main".'
_p = pod(_name, _ns, [container(_c, _img, command=["uvicorn", "main:app", "--host", "0.0.0.0", "--port", "8000"],
                                workingDir="/app", **_loop(_name, _ns, _c, 1, 7))])
scenario(
    "rt-uvicorn-app-path-wrong-in-command", "config_error", difficulty="hard",
    note="'Could not import module' looks like a broken image, but the Deployment's command says main:app while the app is src.main:app",
    source=[{"url": "https://github.com/slmnsh/fiverr-api/issues/3", "quote": _q}],
    objects=[_p, *deployment_and_rs("fiverr-api", _ns, "7d4c9b6f8", _img), node()],
    events=crash_events(_p, _c, _img, 7),
    logs={f"{_ns}/{_name}/{_c}:previous": log_text(
        "INFO:     Uvicorn running on http://0.0.0.0:8000 (Press CTRL+C to quit)",
        _q)})

# --- Next.js with t3-env: env validation throws after the server said it listens.
_ns, _img, _name, _c = "web", "registry.example.com/web/t3-app:1.4.2", "t3-app-5f7b8c9d6-h3kcw", "web"
_q = "❌ Invalid environment variables: {"
_p = pod(_name, _ns, [container(_c, _img, env=[{"name": "NODE_ENV", "value": "production"},
                                               {"name": "PORT", "value": "3000"}],
                                **_loop(_name, _ns, _c, 1, 6))])
scenario(
    "rt-node-t3-env-invalid-after-listening", "config_error", difficulty="hard",
    note="The Next.js server logs 'Listening on port 3000' first; then t3-env/zod rejects the environment (DATABASE_URL, NEXTAUTH_* required) and the process dies",
    source=[{"url": "https://github.com/t3-oss/t3-env/issues/88", "quote": _q}],
    objects=[_p, *deployment_and_rs("t3-app", _ns, "5f7b8c9d6", _img, replicas=2), node()],
    events=crash_events(_p, _c, _img, 6),
    logs={f"{_ns}/{_name}/{_c}:previous": log_text(
        "Listening on port 3000 url: http://t3-app-5f7b8c9d6-h3kcw:3000",
        _q,
        "  DATABASE_URL: [ 'Required' ],",
        "  NEXTAUTH_SECRET: [ 'Required' ],",
        "  NEXTAUTH_URL: [ 'Required' ]",
        "}",
        "Error: Invalid environment variables",
        "    at f (file:///app/node_modules/.pnpm/@t3-oss+env-nextjs@0.3.1_typescript@5.0.4_zod@3.21.4/node_modules/@t3-oss/env-nextjs/dist/index.mjs:1:386)",
        "    at l (file:///app/node_modules/.pnpm/@t3-oss+env-nextjs@0.3.1_typescript@5.0.4_zod@3.21.4/node_modules/@t3-oss/env-nextjs/dist/index.mjs:1:576)",
        "    at C (file:///app/node_modules/.pnpm/@t3-oss+env-nextjs@0.3.1_typescript@5.0.4_zod@3.21.4/node_modules/@t3-oss/env-nextjs/dist/index.mjs:1:749)",
        "    at /app/.next/server/chunks/115.js:98:74")})

# --- Caddy: the Caddyfile from a ConfigMap defines a named matcher twice.
_ns, _img, _name, _c = "matrix", "caddy:2-alpine", "matrix-caddy-6c9f8d7b5-zr5pn", "caddy"
_q = "Error: adapting config using caddyfile: parsing caddyfile tokens for 'handle': matcher is defined more than once: @preflight"
_p = pod(_name, _ns, [container(_c, _img, command=["caddy", "run", "--config", "/etc/caddy/Caddyfile", "--adapter", "caddyfile"],
                                volumeMounts=[{"name": "caddyfile", "mountPath": "/etc/caddy"}],
                                **_loop(_name, _ns, _c, 1, 9))],
         volumes=[{"name": "caddyfile", "configMap": {"name": "matrix-caddyfile"}}])
scenario(
    "rt-caddy-matcher-defined-twice", "config_error",
    note="Caddy refuses the mounted Caddyfile (a named matcher defined twice) and exits 1",
    source=[{"url": "https://github.com/wlphi/ess-docker-compose/issues/25", "quote": _q}],
    objects=[_p, *deployment_and_rs("matrix-caddy", _ns, "6c9f8d7b5", _img), node()],
    events=crash_events(_p, _c, _img, 9),
    logs={f"{_ns}/{_name}/{_c}:previous": log_text(
        '{"level":"info","ts":1795162477.6688719,"msg":"maxprocs: Leaving GOMAXPROCS=4: CPU quota undefined"}',
        '{"level":"info","ts":1795162477.6691204,"msg":"using config from file","file":"/etc/caddy/Caddyfile"}',
        _q)})

# --- nginx on RKE2: the chart's resolver names kube-dns, which this distribution calls otherwise.
_ns, _img, _name, _c = "mimir", "nginxinc/nginx-unprivileged:1.22-alpine", "mimir-nginx-7b8c6d9f5-4tkhx", "nginx"
_q = 'host not found in resolver "kube-dns.kube-system.svc.cluster.local" in /etc/nginx/nginx.conf:25'
_p = pod(_name, _ns, [container(_c, _img, volumeMounts=[{"name": "config", "mountPath": "/etc/nginx"}],
                                **_loop(_name, _ns, _c, 1, 10))],
         volumes=[{"name": "config", "configMap": {"name": "mimir-nginx"}}])
_n = node()
_n["status"]["nodeInfo"]["kubeletVersion"] = "v1.21.7+rke2r2"
_dns = service("rke2-coredns-rke2-coredns", "kube-system", selector={"k8s-app": "kube-dns"}, port=53, target_port=53)
_dns["spec"]["clusterIP"] = "10.43.0.10"
scenario(
    "rt-nginx-resolver-name-not-on-this-distro", "config_error", difficulty="hard",
    note="Reads like DNS being down, but the resolver directive names kube-dns.kube-system, which does not exist on RKE2 (its DNS Service is rke2-coredns-rke2-coredns); the chart value must change",
    source=[{"url": "https://github.com/grafana/mimir/issues/1669", "quote": _q}],
    objects=[_p, *deployment_and_rs("mimir-nginx", _ns, "7b8c6d9f5", _img), _n, _dns],
    events=crash_events(_p, _c, _img, 10),
    logs={f"{_ns}/{_name}/{_c}:previous": log_text(
        "/docker-entrypoint.sh: No files found in /docker-entrypoint.d/, skipping configuration",
        "2026/11/20 08:14:36 [emerg] 1#1: " + _q,
        "nginx: [emerg] " + _q)})

# --- Spring Boot: a bean is missing because a mode switch holds the sample value "<local|azure>".
_ns, _img, _name, _c = "okr", "burningokr/backend:latest", "burning-okr-backend-6d8f7b9c5-ws2jd", "backend"
_q = "Parameter 7 of constructor in org.burningokr.service.security.UserRoleFromContextService required a bean of type 'org.burningokr.service.userhandling.UserService' that could not be found."
_p = pod(_name, _ns, [container(_c, _img, env=[{"name": "SYSTEM_CONFIGURATION_AUTH_MODE", "value": "<local|azure>"},
                                               {"name": "SPRING_DATASOURCE_URL", "value": "jdbc:postgresql://okr-postgres:5432/okr"}],
                                limits={"memory": "1Gi"}, requests={"cpu": "250m", "memory": "768Mi"},
                                **_loop(_name, _ns, _c, 1, 5))])
scenario(
    "rt-spring-bean-missing-auth-mode-placeholder", "config_error", difficulty="hard",
    note="Spring's failure analysis reads like a wiring bug, but no UserService bean exists because SYSTEM_CONFIGURATION_AUTH_MODE still holds the sample '<local|azure>'",
    source=[{"url": "https://github.com/BurningOKR/BurningOKR/issues/131", "quote": _q}],
    objects=[_p, *deployment_and_rs("burning-okr-backend", _ns, "6d8f7b9c5", _img), node()],
    events=crash_events(_p, _c, _img, 5),
    logs={f"{_ns}/{_name}/{_c}:previous": log_text(
        *_SPRING_BANNER,
        " :: Spring Boot ::                (v2.3.4.RELEASE)",
        "2026-11-20 08:14:21.104  INFO 1 --- [           main] org.burningokr.BurningOkrApplication     : No active profile set, falling back to default profiles: default",
        "2026-11-20 08:14:27.882  WARN 1 --- [           main] ConfigServletWebServerApplicationContext : Exception encountered during context initialization - cancelling refresh attempt: org.springframework.beans.factory.UnsatisfiedDependencyException: Error creating bean with name 'userRoleFromContextService'",
        "2026-11-20 08:14:27.991 ERROR 1 --- [           main] o.s.b.d.LoggingFailureAnalysisReporter   : ",
        "",
        "***************************",
        "APPLICATION FAILED TO START",
        "***************************",
        "",
        "Description:",
        "",
        _q,
        "",
        "",
        "Action:",
        "",
        "Consider defining a bean of type 'org.burningokr.service.userhandling.UserService' in your configuration.")})

# --- Shell entrypoint under set -u: the container is started without the argument the script expects.
_ns, _img, _name, _c = "messaging", "progeek/rabbitmq_cluster:3.6.5", "rabbitmq-0", "rabbitmq"
_q = "./docker-entrypoint.sh: line 5: $1: unbound variable"
_p = pod(_name, _ns, [container(_c, _img, **_loop(_name, _ns, _c, 1, 12))], owner=("StatefulSet", "rabbitmq"),
         hostname="rabbitmq-0", subdomain="rabbitmq")
scenario(
    "rt-entrypoint-set-u-positional-arg-missing", "config_error", difficulty="hard",
    note="One line from bash under set -u: the entrypoint reads $1 and the StatefulSet passes no args",
    source=[{"url": "https://github.com/docker-library/docs/issues/744", "quote": _q}],
    objects=[_p, _workload("StatefulSet", "rabbitmq", _ns, _img, replicas=3), node()],
    events=crash_events(_p, _c, _img, 12),
    logs={f"{_ns}/{_name}/{_c}:previous": log_text(_q)})

# --- pydantic-settings: an optional integer setting arrives as an empty string from the ConfigMap.
_ns, _img, _name, _c = "ai", "ghcr.io/getsynkora/synkora-api:0.9.4", "synkora-api-8c7d6f5b9-lw3xr", "api"
_q1 = "pydantic_core._pydantic_core.ValidationError: 1 validation error for VectorDBConfig"
_q2 = "Input should be a valid integer, unable to parse string as an integer [type=int_parsing, input_value='', input_type=str]"
_p = pod(_name, _ns, [container(_c, _img, envFrom=[{"configMapRef": {"name": "synkora-api-env"}}],
                                **_loop(_name, _ns, _c, 1, 6))])
scenario(
    "rt-pydantic-settings-empty-int-env", "config_error",
    note="pydantic-settings at import time: MILVUS_PORT is set to an empty string, which is not an integer",
    source=[{"url": "https://github.com/getsynkora/synkora-ai/pull/198", "quote": _q2}],
    objects=[_p, *deployment_and_rs("synkora-api", _ns, "8c7d6f5b9", _img), node(),
             {"apiVersion": "v1", "kind": "ConfigMap", "metadata": meta("synkora-api-env", _ns),
              "data": {"VECTOR_DB": "qdrant", "QDRANT_URL": "http://qdrant.ai.svc:6333", "MILVUS_HOST": "", "MILVUS_PORT": ""}}],
    events=crash_events(_p, _c, _img, 6),
    logs={f"{_ns}/{_name}/{_c}:previous": log_text(
        "Traceback (most recent call last):",
        '  File "/app/src/synkora/main.py", line 7, in <module>',
        "    from synkora.config import settings",
        '  File "/app/src/synkora/config/__init__.py", line 3, in <module>',
        "    from .vector_db import VectorDBConfig",
        '  File "/app/src/synkora/config/vector_db.py", line 41, in <module>',
        "    vector_db_config = VectorDBConfig()",
        "                       ^^^^^^^^^^^^^^^^",
        '  File "/usr/local/lib/python3.12/site-packages/pydantic_settings/main.py", line 171, in __init__',
        "    super().__init__(",
        _q1,
        "milvus_port",
        "  " + _q2,
        "    For further information visit https://errors.pydantic.dev/2.9/v/int_parsing")})

# --- Micronaut: a field is injected from a property that the parameter store does not have.
_ns, _img, _name, _c = "scoring", "registry.example.com/scoring/otp-service:2.0.7", "otp-service-5d6c8b7f9-pf8nm", "otp-service"
_q = "Error resolving field value [db.dbname]. Property doesn't exist or cannot be converted"
_p = pod(_name, _ns, [container(_c, _img, env=[{"name": "MICRONAUT_ENVIRONMENTS", "value": "ec2,prod"},
                                               {"name": "AWS_REGION", "value": "ap-south-1"}],
                                limits={"memory": "768Mi"}, **_loop(_name, _ns, _c, 1, 6))])
scenario(
    "rt-micronaut-field-value-property-missing", "config_error", difficulty="hard",
    note="Micronaut DI exception deep in a bean path; the cause is a property (db.dbname) missing from the configured parameter store",
    source=[{"url": "https://github.com/micronaut-projects/micronaut-aws/issues/3", "quote": "Error resolving field value [db.dbname]"}],
    objects=[_p, *deployment_and_rs("otp-service", _ns, "5d6c8b7f9", _img), node()],
    events=crash_events(_p, _c, _img, 6),
    logs={f"{_ns}/{_name}/{_c}:previous": log_text(
        "08:14:29.402 [main] INFO  i.m.context.env.DefaultEnvironment - Established active environments: [ec2, cloud, prod]",
        "08:14:30.118 [main] INFO  i.m.d.c.a.AWSParameterStoreConfigClient - Retrieving parameters from /config/application",
        "08:14:31.007 [main] ERROR io.micronaut.runtime.Micronaut - Error starting Micronaut server: Failed to inject value for field [b] of class: tech.fplabs.score.otp.OTPService",
        "",
        "Message: " + _q,
        "Path Taken: OTPController.otpService --> OTPService.b",
        "io.micronaut.context.exceptions.DependencyInjectionException: Failed to inject value for field [b] of class: tech.fplabs.score.otp.OTPService",
        "",
        "Message: " + _q,
        "Path Taken: OTPController.otpService --> OTPService.b",
        "\tat io.micronaut.context.AbstractBeanDefinition.getValueForField(AbstractBeanDefinition.java:1188)",
        "\tat tech.fplabs.score.otp.$OTPServiceDefinition.injectBean(Unknown Source)",
        "\tat tech.fplabs.score.otp.$OTPServiceDefinition.build(Unknown Source)",
        "\tat io.micronaut.context.DefaultBeanContext.doCreateBean(DefaultBeanContext.java:1474)",
        "\tat io.micronaut.context.DefaultBeanContext.createAndRegisterSingleton(DefaultBeanContext.java:2143)")})

# --- Go (logrus): a relative --config path; logs unavailable, only the termination message.
_ns, _img, _name, _c = "kube-system", "ghcr.io/kube-vip/kube-vip:v0.2.3", "kube-vip-ds-7xq2k", "kube-vip"
_q = "Error reading [./etc/kube-vip/config.yaml]"
_p = pod(_name, _ns, [container(_c, _img, args=["start", "--config", "./etc/kube-vip/config.yaml"],
                                terminationMessagePolicy="FallbackToLogsOnError",
                                volumeMounts=[{"name": "config", "mountPath": "/etc/kube-vip"}],
                                **_loop(_name, _ns, _c, 1, 14,
                                        message='time="2026-11-20T08:14:36Z" level=info msg="Reading configuration from [./etc/kube-vip/config.yaml]"\ntime="2026-11-20T08:14:36Z" level=fatal msg="' + _q + '"\n'))],
         owner=("DaemonSet", "kube-vip-ds"), hostNetwork=True,
         volumes=[{"name": "config", "configMap": {"name": "kube-vip"}}])
scenario(
    "rt-go-logrus-fatal-relative-config-path", "config_error", difficulty="hard",
    note="Logs not readable; the termination message shows logrus fatal: the --config path is relative (./etc/...) while the ConfigMap is mounted at /etc/kube-vip",
    source=[{"url": "https://github.com/kube-vip/kube-vip/pull/40", "quote": _q}],
    objects=[_p, _workload("DaemonSet", "kube-vip-ds", _ns, _img, replicas=3), node()],
    events=crash_events(_p, _c, _img, 14),
    unavailable=["logs"])


# =================================================================================================================
# application_crash
# =================================================================================================================

# --- Rust DaemonSet agent: a WARN about an expired watch from the API server, then a panic on unwrap.
_ns, _img, _name, _c = "logdna-agent", "logdna/logdna-agent:3.0.1", "logdna-agent-9kx4t", "logdna-agent"
_q = "thread '<unnamed>' panicked at 'called `Result::unwrap()` on an `Err` value: ()', common/k8s/src/middleware/metadata.rs:171:18"
_p = pod(_name, _ns, [container(_c, _img, **_restarted(4, 101))], owner=("DaemonSet", "logdna-agent"))
scenario(
    "rt-rust-agent-unwrap-panic-after-watch-expired", "application_crash", difficulty="hard",
    note="Rust panic (exit 101) in the agent's own metadata code; the WARN before it (watch 'too old resource version' from the API server) is routine and not the cause; running again after 4 restarts",
    source=[{"url": "https://github.com/logdna/logdna-agent-v2/issues/75", "quote": _q}],
    objects=[_p, _workload("DaemonSet", "logdna-agent", _ns, _img, replicas=6, ready=6), node()],
    events=[event(_p, "Started", f"Started container {_c}", type_="Normal", count=5),
            event(_p, "BackOff", f"Back-off restarting failed container {_c} in pod {_name}_{_ns}({uid(_name)})", count=2)],
    logs={f"{_ns}/{_name}/{_c}:previous": log_text(
        "[2026-11-20T06:12:04Z INFO  logdna_agent] running version: 3.0.1",
        "[2026-11-20T06:12:04Z INFO  k8s::middleware::metadata] initialized kubernetes metadata middleware",
        "[2026-11-20T08:14:25Z WARN  k8s::middleware::metadata] Watch Stream Error: error returned by apiserver during watch: too old resource version: 226233010 (226248908): Expired",
        _q,
        "note: run with `RUST_BACKTRACE=1` environment variable to display a backtrace"),
          f"{_ns}/{_name}/{_c}": log_text(
        "[2026-11-20T08:14:38Z INFO  logdna_agent] running version: 3.0.1",
        "[2026-11-20T08:14:38Z INFO  k8s::middleware::metadata] initialized kubernetes metadata middleware",
        "[2026-11-20T08:14:39Z INFO  fs::tail] initialized 214 files")})

# --- Go controller: concurrent map writes after JSON log lines about kubeconfigs; fatal error, exit 2.
_ns, _img, _name, _c = "prow", "us-docker.pkg.dev/k8s-infra-prow/images/prow-controller-manager:v20241003-a1b2c3d", "prow-controller-manager-6f7d8c9b5-r4xnp", "prow-controller-manager"
_q = "fatal error: concurrent map writes"
_p = pod(_name, _ns, [container(_c, _img, limits={"memory": "4Gi"}, requests={"cpu": "1", "memory": "2Gi"},
                                **_restarted(9, 2))])
scenario(
    "rt-go-concurrent-map-writes-after-kubeconfig-load", "application_crash", difficulty="hard",
    note="Go runtime fatal error (not a panic) in controller-runtime cache options, exit 2, amid JSON lines about loading cluster kubeconfigs; the pod runs again after 9 restarts",
    source=[{"url": "https://github.com/kubernetes-sigs/prow/issues/288", "quote": _q}],
    objects=[_p, *deployment_and_rs("prow-controller-manager", _ns, "6f7d8c9b5", _img, ready=1), node()],
    events=[event(_p, "Started", f"Started container {_c}", type_="Normal", count=10)],
    logs={f"{_ns}/{_name}/{_c}:previous": log_text(
        '{"component":"prow-controller-manager","file":"sigs.k8s.io/prow/pkg/kube/config.go:47","func":"sigs.k8s.io/prow/pkg/kube.kubeConfigs","level":"info","msg":"Parsed kubeconfig context: build11","severity":"info","time":"2026-11-20T08:14:00Z"}',
        '{"component":"prow-controller-manager","file":"sigs.k8s.io/prow/pkg/kube/config.go:127","func":"sigs.k8s.io/prow/pkg/kube.LoadClusterConfigs","level":"info","msg":"Loading kubeconfig from: \\"/etc/build-farm-credentials/sa.prow-controller-manager.vsphere02.config\\"","severity":"info","time":"2026-11-20T08:14:00Z"}',
        '{"component":"prow-controller-manager","file":"sigs.k8s.io/prow/pkg/kube/config.go:47","func":"sigs.k8s.io/prow/pkg/kube.kubeConfigs","level":"info","msg":"Parsed kubeconfig context: vsphere02","severity":"info","time":"2026-11-20T08:14:00Z"}',
        _q,
        "",
        "goroutine 1379 [running]:",
        "sigs.k8s.io/controller-runtime/pkg/cache.defaultOpts(_, {0xc08dc48e70, 0xc000205c70, {0x2a81690, 0xc013c1aaf0}, 0x0, 0x0, 0xc08de9dce0, {0x0, 0x0}, ...})",
        "\tsigs.k8s.io/controller-runtime@v0.17.6/pkg/cache/cache.go:488 +0xa65",
        "sigs.k8s.io/controller-runtime/pkg/cache.New(0xc03d7dab48, {0xc08dc48e70, 0xc000205c70, {0x2a81690, 0xc013c1aaf0}, 0x0, 0x0, 0xc08de9dce0, {0x0, 0x0}, ...})",
        "\tsigs.k8s.io/controller-runtime@v0.17.6/pkg/cache/cache.go:228 +0x75"),
          f"{_ns}/{_name}/{_c}": log_text(
        '{"component":"prow-controller-manager","file":"sigs.k8s.io/prow/pkg/kube/config.go:47","func":"sigs.k8s.io/prow/pkg/kube.kubeConfigs","level":"info","msg":"Parsed kubeconfig context: default","severity":"info","time":"2026-11-20T08:14:37Z"}')})

# --- .NET: the published image lacks a plugin assembly.
_ns, _img, _name, _c = "identity", "ptlange/passcore:latest", "passcore-5f9b7c8d6-dk2vq", "passcore"
_q = "Unhandled exception. System.IO.FileNotFoundException: Could not load file or assembly 'Zyborg.PassCore.PasswordProvider.LDAP, Version=1.0.0.0, Culture=neutral, PublicKeyToken=null'. The system cannot find the file specified."
_p = pod(_name, _ns, [container(_c, _img, env=[{"name": "AppSettings__LdapHostnames__0", "value": "ad001.example.com"},
                                               {"name": "AppSettings__LdapPort", "value": "636"}],
                                **_loop(_name, _ns, _c, 134, 8))])
scenario(
    "rt-dotnet-plugin-assembly-missing-from-image", "application_crash",
    note="The image does not contain the LDAP provider assembly the app loads at start: a broken build, exit 134",
    source=[{"url": "https://github.com/unosquare/passcore/issues/607", "quote": _q}],
    objects=[_p, *deployment_and_rs("passcore", _ns, "5f9b7c8d6", _img), node()],
    events=crash_events(_p, _c, _img, 8),
    logs={f"{_ns}/{_name}/{_c}:previous": log_text(
        _q,
        "",
        "File name: 'Zyborg.PassCore.PasswordProvider.LDAP, Version=1.0.0.0, Culture=neutral, PublicKeyToken=null'",
        "   at System.RuntimeMethodHandle.InvokeMethod(Object target, Object[] arguments, Signature sig, Boolean constructor, Boolean wrapExceptions)",
        "   at System.Reflection.RuntimeMethodInfo.Invoke(Object obj, BindingFlags invokeAttr, Binder binder, Object[] parameters, CultureInfo culture)",
        "   at Microsoft.AspNetCore.Hosting.ConfigureServicesBuilder.InvokeCore(Object instance, IServiceCollection services)",
        "   at Microsoft.AspNetCore.Hosting.WebHost.EnsureApplicationServices()",
        "   at Microsoft.AspNetCore.Hosting.WebHost.Initialize()",
        "   at Unosquare.PassCore.Web.Program.Main(String[] args) in /src/src/Unosquare.PassCore.Web/Program.cs:line 14")})

# --- Java: a collector image built with a profile that left Spring Boot out of the classpath.
_ns, _img, _name, _c = "monitoring", "registry.cn-hangzhou.aliyuncs.com/public_storage/hertzbeat-collector:master-1.7.0", "hertzbeat-collector-6c5d8f7b9-nq8wz", "hertzbeat-collector"
_q = 'Exception in thread "main" java.lang.NoClassDefFoundError: org/springframework/boot/SpringApplication'
_p = pod(_name, _ns, [container(_c, _img, env=[{"name": "IDENTITY", "value": "nas"}, {"name": "MODE", "value": "private"},
                                               {"name": "MANAGER_HOST", "value": "hertzbeat.monitoring.svc"},
                                               {"name": "MANAGER_PORT", "value": "1158"}],
                                limits={"memory": "1Gi"}, **_loop(_name, _ns, _c, 1, 7))])
scenario(
    "rt-java-noclassdef-spring-application", "application_crash",
    note="NoClassDefFoundError for SpringApplication in main(): the packaged image lacks its libraries (broken build)",
    source=[{"url": "https://github.com/apache/hertzbeat/issues/3296", "quote": _q}],
    objects=[_p, *deployment_and_rs("hertzbeat-collector", _ns, "6c5d8f7b9", _img), node()],
    events=crash_events(_p, _c, _img, 7),
    logs={f"{_ns}/{_name}/{_c}:previous": log_text(
        _q,
        "\tat org.apache.hertzbeat.collector.Collector.main(Collector.java:34)",
        "Caused by: java.lang.ClassNotFoundException: org.springframework.boot.SpringApplication",
        "\tat java.base/jdk.internal.loader.BuiltinClassLoader.loadClass(BuiltinClassLoader.java:641)",
        "\tat java.base/jdk.internal.loader.ClassLoaders$AppClassLoader.loadClass(ClassLoaders.java:188)",
        "\tat java.base/java.lang.ClassLoader.loadClass(ClassLoader.java:525)",
        "\t... 1 more")})

# --- Spring Boot failure analysis, but for a method missing from a dependency (classpath conflict).
_ns, _img, _name, _c = "onko", "ghcr.io/bzkf/obds-to-fhir:2.9.0", "obds-to-fhir-7b6d9c8f5-tz4km", "obds-to-fhir"
_q1 = "An attempt was made to call a method that does not exist. The attempt was made from the following location:"
_q2 = "'void de.basisdatensatz.obds.v3.VerlaufTyp.setMeldeanlass(java.lang.String)'"
_p = pod(_name, _ns, [container(_c, _img, env=[{"name": "SPRING_KAFKA_BOOTSTRAP_SERVERS", "value": "kafka.onko.svc:9092"}],
                                limits={"memory": "2Gi"}, requests={"cpu": "500m", "memory": "1Gi"},
                                **_loop(_name, _ns, _c, 1, 6))])
scenario(
    "rt-spring-failed-to-start-method-not-exist", "application_crash", difficulty="hard",
    note="The 'APPLICATION FAILED TO START' banner usually means configuration; this one says a method is missing: two versions of a class on the classpath (a build problem)",
    source=[{"url": "https://github.com/bzkf/obds-to-fhir/issues/439", "quote": _q1},
            {"url": "https://github.com/bzkf/obds-to-fhir/issues/439", "quote": _q2}],
    objects=[_p, *deployment_and_rs("obds-to-fhir", _ns, "7b6d9c8f5", _img), node()],
    events=crash_events(_p, _c, _img, 6),
    logs={f"{_ns}/{_name}/{_c}:previous": log_text(
        *_SPRING_BANNER,
        " :: Spring Boot ::                (v3.5.6)",
        "2026-11-20T08:14:18.412Z  INFO 1 --- [           main] i.g.b.o.Application                      : Starting Application v2.9.0 using Java 21.0.8 with PID 1 (/opt/obds-to-fhir/obds-to-fhir.jar started by 65532 in /opt/obds-to-fhir)",
        "2026-11-20T08:14:26.077Z  WARN 1 --- [           main] ConfigServletWebServerApplicationContext : Exception encountered during context initialization - cancelling refresh attempt",
        "2026-11-20T08:14:26.201Z ERROR 1 --- [           main] o.s.b.d.LoggingFailureAnalysisReporter   : ",
        "",
        "***************************",
        "APPLICATION FAILED TO START",
        "***************************",
        "",
        "Description:",
        "",
        _q1,
        "",
        "    dev.pcvolkmer.onko.obds2to3.MeldungMapper.lambda$getMappedVerlauf$16(MeldungMapper.java:390)",
        "",
        "The following method did not exist:",
        "",
        "    " + _q2,
        "",
        "The calling method's class, dev.pcvolkmer.onko.obds2to3.MeldungMapper, was loaded from the following location:",
        "",
        "    jar:nested:/opt/obds-to-fhir/obds-to-fhir.jar/!BOOT-INF/lib/obds2-to-obds3-0.1.0-SNAPSHOT.jar!/dev/pcvolkmer/onko/obds2to3/MeldungMapper.class",
        "",
        "Action:",
        "",
        "Correct the classpath of your application so that it contains compatible versions of the classes dev.pcvolkmer.onko.obds2to3.MeldungMapper and de.basisdatensatz.obds.v3.VerlaufTyp")})

# --- Node: the latest image has no build output.
_ns, _img, _name, _c = "kanban", "ghcr.io/wekan/wekan:latest", "wekan-7f5c9b8d6-x7rjp", "wekan"
_q = "Error: Cannot find module '/build/main.js'"
_p = pod(_name, _ns, [container(_c, _img, env=[{"name": "MONGO_URL", "value": "mongodb://wekandb:27017/wekan"},
                                               {"name": "ROOT_URL", "value": "https://kanban.example.com"}],
                                **_loop(_name, _ns, _c, 1, 10))])
scenario(
    "rt-node-latest-image-without-build-output", "application_crash",
    note="MODULE_NOT_FOUND for the entry point itself after pulling :latest: the image was built without its bundle",
    source=[{"url": "https://github.com/wekan/wekan/issues/6291", "quote": _q}],
    objects=[_p, *deployment_and_rs("wekan", _ns, "7f5c9b8d6", _img), node()],
    events=crash_events(_p, _c, _img, 10),
    logs={f"{_ns}/{_name}/{_c}:previous": log_text(
        "node:internal/modules/cjs/loader:1459",
        "  throw err;",
        "  ^",
        "",
        _q,
        "    at Module._resolveFilename (node:internal/modules/cjs/loader:1456:15)",
        "    at defaultResolveImpl (node:internal/modules/cjs/loader:1066:19)",
        "    at resolveForCJSWithHooks (node:internal/modules/cjs/loader:1071:22)",
        "    at Module._load (node:internal/modules/cjs/loader:1242:25)",
        "    at wrapModuleLoad (node:internal/modules/cjs/loader:255:19)",
        "    at Module.executeUserEntryPoint [as runMain] (node:internal/modules/run_main:154:5)",
        "    at node:internal/main/run_main_module:33:47 {",
        "  code: 'MODULE_NOT_FOUND',",
        "  requireStack: []",
        "}",
        "",
        "Node.js v24.14.1")})

# --- Node: an unhandled rejection with an opaque reason after an update (alpha regression).
_ns, _img, _name, _c = "home", "ghcr.io/t0bst4r/home-assistant-matter-hub:3.0.0-alpha.52", "matter-hub-6d7c9f8b5-bq9ls", "matter-hub"
_q = 'The promise rejected with the reason "#<Object>".'
_p = pod(_name, _ns, [container(_c, _img, env=[{"name": "HAMH_HOME_ASSISTANT_URL", "value": "http://home-assistant.home.svc:8123"}],
                                **_loop(_name, _ns, _c, 1, 6))])
scenario(
    "rt-node-unhandled-rejection-opaque-reason", "application_crash", difficulty="hard",
    note="A generic ERR_UNHANDLED_REJECTION with reason #<Object> right after start; the earlier release worked: the program's own regression",
    source=[{"url": "https://github.com/t0bst4r/home-assistant-matter-hub/issues/265", "quote": _q}],
    objects=[_p, *deployment_and_rs("matter-hub", _ns, "6d7c9f8b5", _img, revision=4), node()],
    events=crash_events(_p, _c, _img, 6),
    logs={f"{_ns}/{_name}/{_c}:previous": log_text(
        "[ 2026-11-20T08:14:31.201Z ] [ INFO  ] [ Matter / Logger                                    ]: Starting Home-Assistant-Matter-Hub 3.0.0-alpha.52",
        "[ 2026-11-20T08:14:32.947Z ] [ ERROR ] [ Matter / Logger                                    ]: Unhandled error detected: This error originated either by throwing inside of an async function without a catch block, or by rejecting a promise which was not handled with .catch(). " + _q,
        "node:internal/process/promises:288",
        "            triggerUncaughtException(err, true /* fromPromise */);",
        "            ^",
        "[UnhandledPromiseRejection: This error originated either by throwing inside of an async function without a catch block, or by rejecting a promise which was not handled with .catch(). " + _q + "] {",
        "  code: 'ERR_UNHANDLED_REJECTION'",
        "}",
        "Node.js v18.20.4")})

# --- Celery: -A names app.worker, the missing module is app.tasks, imported by the worker module itself.
_ns, _img, _name, _c = "flask-app", "registry.example.com/tedivm/flask-app:2.1.0", "flask-worker-84d7c6b9f-vn2xk", "worker"
_q1 = "Unable to load celery application."
_q2 = "The module app.tasks was not found."
_p = pod(_name, _ns, [container(_c, _img, command=["/home/apprunner/worker.sh"],
                                env=[{"name": "CELERY_BROKER", "value": "pyamqp://rabbitmq.flask-app.svc//"}],
                                **_loop(_name, _ns, _c, 1, 8))])
scenario(
    "rt-celery-worker-imports-removed-module", "application_crash", difficulty="hard",
    note="Reads like a wrong -A, but -A is app.worker:celery and the missing module is app.tasks, an import left in the code (fixed upstream by a commit)",
    source=[{"url": "https://github.com/tedivm/tedivms-flask/issues/5", "quote": _q2}],
    objects=[_p, *deployment_and_rs("flask-worker", _ns, "84d7c6b9f", _img), node()],
    events=crash_events(_p, _c, _img, 8),
    logs={f"{_ns}/{_name}/{_c}:previous": log_text(
        "Launching celery worker with beat enabled",
        "celery worker -A app.worker:celery --loglevel=info --autoscale=10,2 -B -s /home/apprunner/celerybeat-schedule",
        "Error:",
        _q1,
        _q2,
        "")})

# --- Rails/Puma: eager loading finds a file that does not define the constant its path says.
_ns, _img, _name, _c = "shop", "registry.example.com/shop/storefront-rails:2026.11.20", "storefront-web-5c8d7f9b6-gk3tm", "web"
_q = "! Unable to load application: Zeitwerk::NameError: expected file /app/app/mailers/previews/user_mailer_preview.rb to define constant Previews::UserMailerPreview, but didn't"
_p = pod(_name, _ns, [container(_c, _img, command=["bundle", "exec", "puma", "-C", "config/puma.rb"],
                                env=[{"name": "RAILS_ENV", "value": "production"}],
                                limits={"memory": "1Gi"}, **_loop(_name, _ns, _c, 1, 5))])
scenario(
    "rt-rails-zeitwerk-eager-load-name-error", "application_crash",
    note="Production eager loading (Zeitwerk) fails on a file whose constant does not match its path: the code's bug",
    source=[{"url": "https://github.com/fxn/zeitwerk/issues/139", "quote": _q}],
    objects=[_p, *deployment_and_rs("storefront-web", _ns, "5c8d7f9b6", _img, replicas=3, revision=12), node()],
    events=crash_events(_p, _c, _img, 5),
    logs={f"{_ns}/{_name}/{_c}:previous": log_text(
        "Puma starting in single mode...",
        "* Version 4.3.5 (ruby 2.6.3-p62), codename: Mysterious Traveller",
        "* Min threads: 5, max threads: 5",
        "* Environment: production",
        _q,
        "bundler: failed to load command: puma (/app/vendor/bundle/ruby/2.6.0/bin/puma)",
        "Zeitwerk::NameError: expected file /app/app/mailers/previews/user_mailer_preview.rb to define constant Previews::UserMailerPreview, but didn't",
        "  /app/vendor/bundle/ruby/2.6.0/gems/zeitwerk-2.3.0/lib/zeitwerk/loader/callbacks.rb:17:in `on_file_autoloaded'",
        "  /app/vendor/bundle/ruby/2.6.0/gems/zeitwerk-2.3.0/lib/zeitwerk/kernel.rb:16:in `block in require'")})

# --- Erlang release: a dependency's application callback returns the wrong value; the node stops.
_ns, _img, _name, _c = "telemetry", "registry.example.com/telemetry/typhoon:1.4.0", "typhoon-0", "typhoon"
_q = "Kernel pid terminated (application_controller) ({application_start_failure,eep,{bad_return,{{eep_app,start,[normal,[]]},ok}}})"
_p = pod(_name, _ns, [container(_c, _img, **_loop(_name, _ns, _c, 1, 9))], owner=("StatefulSet", "typhoon"))
scenario(
    "rt-erlang-application-start-bad-return", "application_crash", difficulty="hard",
    note="Erlang terms only: application_start_failure with bad_return from eep_app:start (returns ok, not {ok, Pid}), a code bug in a bundled application",
    source=[{"url": "https://github.com/virtan/eep/issues/12", "quote": _q}],
    objects=[_p, _workload("StatefulSet", "typhoon", _ns, _img, replicas=3, ready=2), node()],
    events=crash_events(_p, _c, _img, 9),
    logs={f"{_ns}/{_name}/{_c}:previous": log_text(
        "Exec: /opt/typhoon/erts-8.3/bin/erlexec -noshell -noinput +Bd -boot /opt/typhoon/releases/1.4.0/typhoon -mode embedded -config /opt/typhoon/releases/1.4.0/sys.config -args_file /opt/typhoon/releases/1.4.0/vm.args -- foreground",
        "Root: /opt/typhoon",
        "{\"Kernel pid terminated\",application_controller,\"{application_start_failure,eep,{bad_return,{{eep_app,start,[normal,[]]},ok}}}\"}",
        _q,
        "",
        "Crash dump is being written to: erl_crash.dump...done")})

# --- Python: gunicorn under supervisord cannot import its worker class; the pod stays Running, unready.
_ns, _img, _name, _c = "notify", "caronc/apprise:latest", "apprise-api-7c9d8b6f5-lm2tz", "apprise"
_q = "ModuleNotFoundError: No module named 'packaging'"
_p = pod(_name, _ns, [container(_c, _img, ready=False,
                                readinessProbe={"httpGet": {"path": "/status", "port": 8000}, "periodSeconds": 10,
                                                "failureThreshold": 3})])
scenario(
    "rt-gunicorn-fatal-under-supervisor-missing-module", "application_crash", difficulty="hard",
    note="No restarts: supervisord keeps the container up while gunicorn went FATAL; nginx answers 502 to the readiness probe. The :latest image lacks a Python dependency (broken build)",
    source=[{"url": "https://github.com/caronc/apprise-api/issues/355", "quote": _q}],
    objects=[_p, *deployment_and_rs("apprise-api", _ns, "7c9d8b6f5", _img), node()],
    events=[event(_p, "Pulled", f'Successfully pulled image "{_img}" in 4.212s (4.212s including waiting)', type_="Normal", count=1),
            event(_p, "Started", f"Started container {_c}", type_="Normal", count=1),
            event(_p, "Unhealthy", "Readiness probe failed: HTTP probe failed with statuscode: 502", count=64)],
    logs={f"{_ns}/{_name}/{_c}": log_text(
        "2026-11-20 08:01:12,114 INFO supervisord started with pid 1",
        "2026-11-20 08:01:13,117 INFO spawned: 'nginx' with pid 9",
        "2026-11-20 08:01:13,119 INFO spawned: 'gunicorn' with pid 10",
        "Traceback (most recent call last):",
        '  File "/usr/local/lib/python3.12/site-packages/gunicorn/util.py", line 99, in load_class',
        "    mod = importlib.import_module('.'.join(components))",
        '  File "/usr/local/lib/python3.12/site-packages/gunicorn/workers/ggevent.py", line 21, in <module>',
        "    from packaging.version import parse as parse_version",
        _q,
        "2026-11-20 08:01:14,402 WARN exited: gunicorn (exit status 1; not expected)",
        "2026-11-20 08:01:17,410 INFO spawned: 'gunicorn' with pid 14",
        "2026-11-20 08:01:18,655 WARN exited: gunicorn (exit status 1; not expected)",
        "2026-11-20 08:01:19,657 INFO gave up: gunicorn entered FATAL state, too many start retries too quickly",
        '2026/11/20 08:14:30 [crit] 9#9: *211 connect() to unix:/tmp/apprise/gunicorn.sock failed (2: No such file or directory) while connecting to upstream, client: 10.244.3.1, server: , request: "GET /status HTTP/1.1", upstream: "http://unix:/tmp/apprise/gunicorn.sock:/status", host: "10.244.3.41:8000"',
        '10.244.3.1 - - [20/Nov/2026:08:14:30 +0000] "GET /status HTTP/1.1" 502 157 "-" "kube-probe/1.31"')})

# --- Python: a new image without setuptools; gunicorn cannot start at all.
_ns, _img, _name, _c = "feeds", "pictuga/morss:latest", "morss-6b5f8d7c9-fj7wq", "morss"
_q = "ModuleNotFoundError: No module named 'pkg_resources'"
_p = pod(_name, _ns, [container(_c, _img, **_loop(_name, _ns, _c, 1, 7))])
scenario(
    "rt-gunicorn-image-missing-pkg-resources", "application_crash",
    note="A new image's gunicorn fails on import (setuptools missing): broken build, fixed by rebuilding the image",
    source=[{"url": "https://github.com/pictuga/morss/issues/73", "quote": _q}],
    objects=[_p, *deployment_and_rs("morss", _ns, "6b5f8d7c9", _img), node()],
    events=crash_events(_p, _c, _img, 7),
    logs={f"{_ns}/{_name}/{_c}:previous": log_text(
        "Traceback (most recent call last):",
        '  File "/usr/bin/gunicorn", line 5, in <module>',
        "    from gunicorn.app.wsgiapp import run",
        '  File "/usr/lib/python3.9/site-packages/gunicorn/app/wsgiapp.py", line 9, in <module>',
        "    from gunicorn.app.base import Application",
        '  File "/usr/lib/python3.9/site-packages/gunicorn/app/base.py", line 11, in <module>',
        "    from gunicorn import util",
        '  File "/usr/lib/python3.9/site-packages/gunicorn/util.py", line 25, in <module>',
        "    import pkg_resources",
        _q)})

# --- .NET: dependency injection cannot build a service at start; a DataProtection warning above is routine.
_ns, _img, _name, _c = "media", "ghcr.io/snapetech/slskdn:0.24.5-slskdn.93", "slskdn-0", "slskdn"
_q = "System.InvalidOperationException: Unable to resolve service for type 'slskd.Shares.IShareRepository' while attempting to activate 'slskd.VirtualSoulfind.v2.Backends.LocalLibraryBackend'."
_p = pod(_name, _ns, [container(_c, _img, env=[{"name": "SLSKD_SLSK_USERNAME", "valueFrom": {"secretKeyRef": {"name": "slskd", "key": "username"}}}],
                                volumeMounts=[{"name": "data", "mountPath": "/app"}, {"name": "downloads", "mountPath": "/downloads"}],
                                limits={"memory": "8Gi"}, **_loop(_name, _ns, _c, 134, 6))],
         owner=("StatefulSet", "slskdn"),
         volumes=[{"name": "data", "persistentVolumeClaim": {"claimName": "data-slskdn-0"}},
                  {"name": "downloads", "persistentVolumeClaim": {"claimName": "downloads"}}])
scenario(
    "rt-dotnet-di-unresolved-service-on-first-start", "application_crash", difficulty="hard",
    note="ASP.NET DI cannot activate a backend (no IShareRepository registered): the program's own wiring; the DataProtection warning before it is routine; exit 134",
    source=[{"url": "https://github.com/snapetech/slskdN/issues/149", "quote": _q}],
    objects=[_p, _workload("StatefulSet", "slskdn", _ns, _img), pvc("data-slskdn-0", _ns, size="5Gi"),
             pvc("downloads", _ns, size="500Gi", storage_class="nfs-client", access_modes=("ReadWriteMany",)), node()],
    events=crash_events(_p, _c, _img, 6),
    logs={f"{_ns}/{_name}/{_c}:previous": log_text(
        "[08:14:29 INF] Running in Docker (containerized)",
        "[08:14:29 INF] Using application directory /app",
        "warn: Microsoft.AspNetCore.DataProtection.Repositories.FileSystemXmlRepository[60]",
        "      Storing keys in a directory '/root/.aspnet/DataProtection-Keys' that may not be persisted outside of the container. Protected data will be unavailable when container is destroyed.",
        "Unhandled exception. " + _q,
        "   at Microsoft.Extensions.DependencyInjection.ActivatorUtilities.ThrowHelperUnableToResolveService(Type type, Type requiredBy)",
        "   at lambda_method42(Closure, IServiceProvider, Object[])",
        "   at Microsoft.Extensions.DependencyInjection.ServiceLookup.CallSiteRuntimeResolver.VisitRootCache(ServiceCallSite callSite, RuntimeResolverContext context)",
        "   at Microsoft.Extensions.DependencyInjection.ServiceProvider.GetRequiredService(IServiceProvider provider, Type serviceType)",
        "   at slskd.Program.Main(String[] args) in /slskd/src/slskd/Program.cs:line 612",
        "   at slskd.Program.<Main>(String[] args)")})

# --- Rust storage node: WAL recovery panics on an arithmetic overflow; abort, exit 134, StatefulSet with a PVC.
_ns, _img, _name, _c = "streaming", "automq/range-server:0.3.1", "range-server-1", "range-server"
_q = "thread 'IO' panicked at 'attempt to subtract with overflow', components/store/src/io/wal.rs:146:28"
_p = pod(_name, _ns, [container(_c, _img, volumeMounts=[{"name": "data", "mountPath": "/data"}],
                                limits={"memory": "8Gi"}, requests={"cpu": "2", "memory": "8Gi"},
                                **_loop(_name, _ns, _c, 134, 5))],
         owner=("StatefulSet", "range-server"),
         volumes=[{"name": "data", "persistentVolumeClaim": {"claimName": "data-range-server-1"}}])
scenario(
    "rt-rust-wal-recovery-subtract-overflow", "application_crash", difficulty="hard",
    note="Exit 134 (abort) and a StatefulSet with storage suggest the disk or memory; the log is a Rust overflow panic in the WAL recovery code (panic=abort build)",
    source=[{"url": "https://github.com/AutoMQ/elastic-stream/issues/523", "quote": _q}],
    objects=[_p, _workload("StatefulSet", "range-server", _ns, _img, replicas=3, ready=2),
             pvc("data-range-server-1", _ns, size="100Gi", storage_class="gp3"), node()],
    events=crash_events(_p, _c, _img, 5),
    logs={f"{_ns}/{_name}/{_c}:previous": log_text(
        "2026-11-20T08:14:35.101Z INFO  range_server: Starting range-server, node_id=1",
        "2026-11-20T08:14:35.188Z INFO  store::io::wal: Recovering WAL from /data/wal, 24 segments",
        _q,
        "note: run with `RUST_BACKTRACE=1` environment variable to display a backtrace")})


# =================================================================================================================
# permission_denied, oom_killed, dependency_unreachable
# =================================================================================================================

# --- .NET behind a non-root securityContext: Kestrel may not bind port 80.
_ns, _img, _name, _c = "promitor", "ghcr.io/tomkerkhove/promitor-agent-scraper:2.1.1", "promitor-agent-scraper-7d6c5b8f9-hq4vn", "promitor-agent-scraper"
_q = "System.Net.Sockets.SocketException (13): Permission denied"
_p = pod(_name, _ns, [container(_c, _img, securityContext={"runAsUser": 1001, "runAsGroup": 1001},
                                ports=[{"containerPort": 80, "name": "http", "protocol": "TCP"}],
                                **_loop(_name, _ns, _c, 1, 7))],
         securityContext={"runAsUser": 1001, "runAsGroup": 1001, "fsGroup": 1001})
scenario(
    "rt-kestrel-port-80-as-non-root", "permission_denied", difficulty="hard",
    note="'Unable to start Kestrel' with a bare SocketException (13): the pod runs as UID 1001 and the app binds port 80, which needs privileges",
    source=[{"url": "https://github.com/tomkerkhove/promitor/issues/1561", "quote": _q}],
    objects=[_p, *deployment_and_rs("promitor-agent-scraper", _ns, "7d6c5b8f9", _img), node()],
    events=crash_events(_p, _c, _img, 7),
    logs={f"{_ns}/{_name}/{_c}:previous": log_text(
        "[09:47:02 INF] Starting Promitor Scraper Agent 2.1.1",
        "[09:47:03 INF] Scraping 12 metric(s) on schedule */5 * * * *",
        "[09:47:03 FTL] Unable to start Kestrel.",
        _q,
        "   at System.Net.Sockets.Socket.UpdateStatusAfterSocketErrorAndThrowException(SocketError error, String callerName)",
        "   at System.Net.Sockets.Socket.DoBind(EndPoint endPointSnapshot, SocketAddress socketAddress)",
        "   at System.Net.Sockets.Socket.Bind(EndPoint localEP)",
        "   at Microsoft.AspNetCore.Server.Kestrel.Transport.Sockets.SocketConnectionListener.Bind()",
        "   at Microsoft.AspNetCore.Server.Kestrel.Core.Internal.AddressBinder.BindAsync(IEnumerable`1 listenOptions, AddressBindContext context)",
        "   at Microsoft.AspNetCore.Server.Kestrel.Core.KestrelServerImpl.StartAsync[TContext](IHttpApplication`1 application, CancellationToken cancellationToken)")})

# --- nginx as an unprivileged UID: its cache directories belong to root.
_ns, _img, _name, _c = "frontend", "nginx:1.16-alpine", "web-frontend-5b7c9d8f6-tw2lj", "nginx"
_q = 'nginx: [emerg] mkdir() "/var/cache/nginx/proxy_temp" failed (13: Permission denied)'
_p = pod(_name, _ns, [container(_c, _img, securityContext={"runAsUser": 100, "allowPrivilegeEscalation": False},
                                **_loop(_name, _ns, _c, 1, 8))])
scenario(
    "rt-nginx-cache-dir-runasuser", "permission_denied",
    note="runAsUser 100 and nginx cannot create its temp directory under /var/cache/nginx (owned by root)",
    source=[{"url": "https://github.com/nginx/docker-nginx/issues/329", "quote": _q}],
    objects=[_p, *deployment_and_rs("web-frontend", _ns, "5b7c9d8f6", _img, replicas=2), node()],
    events=crash_events(_p, _c, _img, 8),
    logs={f"{_ns}/{_name}/{_c}:previous": log_text(
        '2026/11/20 08:14:36 [emerg] 1#1: mkdir() "/var/cache/nginx/proxy_temp" failed (13: Permission denied)',
        _q)})

# --- BEAM: the VM cannot allocate a heap under the container's memory limit; crash dump slogan, exit 1.
_ns, _img, _name, _c = "iot", "emqx/emqx:2.3.3", "emqx-1", "emqx"
_q = 'eheap_alloc: Cannot allocate 441485240 bytes of memory (of type "heap").'
_p = pod(_name, _ns, [container(_c, _img, limits={"memory": "1Gi"}, requests={"cpu": "500m", "memory": "1Gi"},
                                **_loop(_name, _ns, _c, 1, 3, backoff="40s"))],
         owner=("StatefulSet", "emqx"))
scenario(
    "rt-beam-eheap-alloc-under-limit", "oom_killed", difficulty="hard",
    note="No OOMKilled reason and exit 1: the Erlang VM itself failed to allocate a 421 MiB heap under a 1Gi limit and wrote a crash dump; memory is the cause",
    source=[{"url": "https://github.com/emqx/emqx/issues/1493", "quote": _q}],
    objects=[_p, _workload("StatefulSet", "emqx", _ns, _img, replicas=3, ready=2), node()],
    events=crash_events(_p, _c, _img, 3),
    logs={f"{_ns}/{_name}/{_c}:previous": log_text(
        "2026-11-20 08:02:11.301 [info] <0.1447.0>@emqttd_cm_sup:init:51 Connections: 48211",
        "2026-11-20 08:09:40.117 [info] <0.1502.0>@emqttd_bridge:init:62 Bridge started: emqx@emqx-0.emqx.iot.svc.cluster.local",
        "",
        "Crash dump is being written to: log/crash.dump...done",
        _q)})

# --- nginx gateway: an upstream Service name does not resolve (the backend is not there), nginx refuses to start.
_ns, _img, _name, _c = "easytrade", "europe-docker.pkg.dev/dynatrace-demoability/docker/easytrade/frontendreverseproxy:1.1.0", "frontendreverseproxy-6dfb6bf99f-9888r", "frontendreverseproxy"
_q = 'host not found in upstream "loginservice" in /etc/nginx/nginx.conf:17'
_p = pod(_name, _ns, [container(_c, _img, **_loop(_name, _ns, _c, 1, 9))])
_web = pod("frontend-7c8d6f5b9-xk2pd", _ns, [container("frontend", "europe-docker.pkg.dev/dynatrace-demoability/docker/easytrade/frontend:1.1.0")])
scenario(
    "rt-nginx-upstream-service-not-resolvable", "dependency_unreachable", difficulty="hard",
    note="nginx resolves upstreams at start: 'loginservice' does not resolve in the namespace (the backend Service is missing), so the proxy crash-loops; a healthy frontend pod beside it",
    source=[{"url": "https://github.com/Dynatrace/easytrade/issues/5", "quote": _q}],
    objects=[_p, *deployment_and_rs("frontendreverseproxy", _ns, "6dfb6bf99f", _img), _web,
             service("frontend", _ns, port=80, target_port=3000), node()],
    events=crash_events(_p, _c, _img, 9),
    logs={f"{_ns}/{_name}/{_c}:previous": log_text(
        "2026/11/20 08:14:20 [emerg] 1#1: " + _q,
        "nginx: [emerg] " + _q),
          f"{_ns}/frontend-7c8d6f5b9-xk2pd/frontend": log_text(
        "Listening on port 3000",
        "GET /health 200 1.204 ms - 2")})

# --- Elixir app: Postgrex refuses at boot while the migrations run; the database is not accepting connections.
_ns, _img, _name, _c = "newsletter", "pentacent/keila:0.13.1", "keila-5d8c7b9f6-nz4qp", "keila"
_q = "(DBConnection.ConnectionError) tcp connect (172.17.0.3:5432): connection refused - :econnrefused"
_p = pod(_name, _ns, [container(_c, _img, env=[{"name": "DB_URL", "valueFrom": {"secretKeyRef": {"name": "keila", "key": "db-url"}}}],
                                **_loop(_name, _ns, _c, 1, 6))])
scenario(
    "rt-postgrex-econnrefused-at-boot", "dependency_unreachable",
    note="Postgrex cannot connect to PostgreSQL (connection refused) while the release migrates on start",
    source=[{"url": "https://github.com/pentacent/keila/issues/234", "quote": _q}],
    objects=[_p, *deployment_and_rs("keila", _ns, "5d8c7b9f6", _img), node()],
    events=crash_events(_p, _c, _img, 6),
    logs={f"{_ns}/{_name}/{_c}:previous": log_text(
        "12:06:33.811 [info] Migrating database...",
        "12:06:34.902 [error] Postgrex.Protocol (#PID<0.2488.0>) failed to connect: ** " + _q,
        "12:06:34.902 [error] Postgrex.Protocol (#PID<0.2487.0>) failed to connect: ** " + _q,
        "12:06:36.511 [error] Postgrex.Protocol (#PID<0.2487.0>) failed to connect: ** " + _q,
        "** (DBConnection.ConnectionError) connection not available and request was dropped from queue after 2968ms.")})

# --- Sidekiq: Redis's name does not resolve; the web pod beside it is healthy.
_ns, _img = "crm", "registry.example.com/crm/rails-app:8.4.0"
_name, _c = "crm-sidekiq-6f9d7c8b5-lq7nh", "sidekiq"
_q = "RedisClient::CannotConnectError: getaddrinfo: Name or service not known (redis://redis:6379)"
_p = pod(_name, _ns, [container(_c, _img, command=["bundle", "exec", "sidekiq", "-C", "config/sidekiq.yml"],
                                env=[{"name": "REDIS_URL", "value": "redis://redis:6379"}],
                                **_loop(_name, _ns, _c, 1, 7))])
_webp = pod("crm-web-58d9c7f6b-8vtkm", _ns, [container("web", _img, command=["bundle", "exec", "puma", "-C", "config/puma.rb"])])
scenario(
    "rt-sidekiq-redis-name-not-resolvable", "dependency_unreachable", difficulty="hard",
    note="Sidekiq exits at boot: the Redis host 'redis' does not resolve (getaddrinfo); the Puma web pod is Running and Ready with ordinary request logs",
    source=[{"url": "https://github.com/T-unity/sentry/issues/34", "quote": _q}],
    objects=[_p, _webp, *deployment_and_rs("crm-sidekiq", _ns, "6f9d7c8b5", _img), node()],
    events=crash_events(_p, _c, _img, 7),
    logs={f"{_ns}/{_name}/{_c}:previous": log_text(
        "2026-11-20T08:14:30.114Z pid=1 tid=2p9 INFO: Booting Sidekiq 7.3.7 with Sidekiq::RedisConnection::RedisClientAdapter options {:url=>\"redis://redis:6379\"}",
        "2026-11-20T08:14:30.702Z pid=1 tid=2p9 INFO: Booted Rails 7.2.2 application in production environment",
        "2026-11-20T08:14:30.703Z pid=1 tid=2p9 INFO: Running in ruby 3.3.6 (2024-11-05 revision 75015d4c1f) +YJIT [x86_64-linux]",
        _q,
        "/usr/local/bundle/gems/redis-client-0.23.0/lib/redis_client/ruby_connection.rb:139:in `rescue in connect'",
        "/usr/local/bundle/gems/redis-client-0.23.0/lib/redis_client/ruby_connection.rb:130:in `connect'",
        "/usr/local/bundle/gems/sidekiq-7.3.7/lib/sidekiq/component.rb:81:in `block in redis_info'",
        "/usr/local/bundle/gems/sidekiq-7.3.7/lib/sidekiq/cli.rb:84:in `run'"),
          f"{_ns}/crm-web-58d9c7f6b-8vtkm/web": log_text(
        "Puma starting in single mode...",
        "* Listening on http://0.0.0.0:3000",
        'I, [2026-11-20T08:14:31.204881 #1]  INFO -- : [a1b2c3d4] Completed 200 OK in 12ms (Views: 6.1ms | ActiveRecord: 2.3ms)')})
