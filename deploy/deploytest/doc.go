// Package deploytest checks Provenant's deployment files, which no test
// can run here: there is no container engine and no cluster. It holds only
// tests, which read the files the way their engines would:
//
//   - docker-compose.yml is loaded with compose-spec's own loader
//     (compose-go), and every service is checked: an image pinned to a
//     version or a build from a Dockerfile of the repository; an
//     environment that names only flags its command has and no secret
//     value; dependencies that wait for health or for a job's success; a
//     health check for everything that keeps running, probing the
//     endpoint the service really listens on; the replicas the issue asks
//     for; secrets from files that git and docker ignore.
//   - every Kubernetes manifest under deploy/kubernetes is decoded, strictly,
//     into its API type (k8s.io/api), and every container is checked for
//     readiness and liveness probes (the admin /readyz and /healthz of the
//     provenant services), resource requests and limits, and a non-root
//     security context; Secrets are templates only.
//   - every `provenant` command line in the compose file, the manifests,
//     the compose scripts and the operations docs is checked against the
//     real command tree: the test builds cmd/provenant and reads each
//     command's --help, so a renamed command or flag fails here.
//   - the Dockerfiles are linted structurally (multi-stage, pinned bases, a
//     static CGO_ENABLED=0 build, a non-root USER, no secret copied in, an
//     exec-form ENTRYPOINT) and with hadolint when it is installed; the
//     scripts with bash -n and, when installed, shellcheck.
//
// Set PROVENANT_BIN to a built provenant binary to skip building one.
package deploytest
