package deploytest

import (
	"bytes"
	"fmt"
	"maps"
	"net"
	"os/exec"
	"path"
	"slices"
	"strconv"
	"strings"
	"testing"

	appsv1 "k8s.io/api/apps/v1"
	autoscalingv2 "k8s.io/api/autoscaling/v2"
	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/util/intstr"
	"sigs.k8s.io/yaml"
)

const kubeDir = "deploy/kubernetes"

// manifest is one decoded Kubernetes object, or one kustomization.
type manifest struct {
	file string
	doc  int
	obj  any // *appsv1.Deployment, *corev1.Service, … or *kustomization
}

func (m manifest) where() string { return fmt.Sprintf("%s (document %d)", m.file, m.doc+1) }

// kustomization is the part of a kustomization.yaml the tests read.
type kustomization struct {
	APIVersion string `json:"apiVersion"`
	Kind       string `json:"kind"`
	Namespace  string `json:"namespace,omitempty"`
	Resources  []string
	Labels     []struct {
		Pairs            map[string]string `json:"pairs"`
		IncludeSelectors bool              `json:"includeSelectors"`
	} `json:"labels,omitempty"`
	Images []struct {
		Name    string `json:"name"`
		NewName string `json:"newName,omitempty"`
		NewTag  string `json:"newTag,omitempty"`
	} `json:"images,omitempty"`
	Patches []struct {
		Path   string `json:"path,omitempty"`
		Target *struct {
			Kind          string `json:"kind,omitempty"`
			Name          string `json:"name,omitempty"`
			LabelSelector string `json:"labelSelector,omitempty"`
		} `json:"target,omitempty"`
	} `json:"patches,omitempty"`
}

// jsonPatchOp is one operation of a JSON 6902 patch file.
type jsonPatchOp struct {
	Op    string `json:"op"`
	Path  string `json:"path"`
	Value any    `json:"value,omitempty"`
	From  string `json:"from,omitempty"`
}

// newObject returns an empty API object of a kind this deployment uses.
func newObject(apiVersion, kind string) (any, bool) {
	switch apiVersion + "/" + kind {
	case "apps/v1/Deployment":
		return &appsv1.Deployment{}, true
	case "v1/Service":
		return &corev1.Service{}, true
	case "v1/ConfigMap":
		return &corev1.ConfigMap{}, true
	case "v1/Secret":
		return &corev1.Secret{}, true
	case "v1/ServiceAccount":
		return &corev1.ServiceAccount{}, true
	case "v1/PersistentVolumeClaim":
		return &corev1.PersistentVolumeClaim{}, true
	case "autoscaling/v2/HorizontalPodAutoscaler":
		return &autoscalingv2.HorizontalPodAutoscaler{}, true
	case "kustomize.config.k8s.io/v1beta1/Kustomization":
		return &kustomization{}, true
	}
	return nil, false
}

// loadManifests decodes every YAML document under deploy/kubernetes,
// strictly (an unknown field is an error, as kubectl's server-side field
// validation would make it), into its API type. JSON patch files, which
// are lists of operations, decode as []jsonPatchOp.
func loadManifests(t testing.TB) []manifest {
	t.Helper()
	var out []manifest
	files := walkRepo(t, kubeDir, ".yaml", ".yml")
	if len(files) == 0 {
		t.Fatalf("no manifest under %s", kubeDir)
	}
	for _, file := range files {
		for i, doc := range splitYAML(readRepoFile(t, file)) {
			var head struct {
				APIVersion string `json:"apiVersion"`
				Kind       string `json:"kind"`
			}
			if err := yaml.Unmarshal(doc, &head); err != nil {
				var ops []jsonPatchOp
				if err2 := yaml.UnmarshalStrict(doc, &ops); err2 != nil || len(ops) == 0 {
					t.Errorf("%s (document %d): neither an object nor a JSON patch: %v", file, i+1, err)
					continue
				}
				out = append(out, manifest{file: file, doc: i, obj: ops})
				continue
			}
			obj, ok := newObject(head.APIVersion, head.Kind)
			if !ok {
				t.Errorf("%s (document %d): apiVersion %q kind %q: not a kind this test knows; add it to newObject", file, i+1, head.APIVersion, head.Kind)
				continue
			}
			if err := yaml.UnmarshalStrict(doc, obj); err != nil {
				t.Errorf("%s (document %d): does not decode into %s %s: %v", file, i+1, head.APIVersion, head.Kind, err)
				continue
			}
			out = append(out, manifest{file: file, doc: i, obj: obj})
		}
	}
	return out
}

// splitYAML splits a multi-document YAML text, leaving out empty documents.
func splitYAML(text string) [][]byte {
	var docs [][]byte
	for _, d := range strings.Split("\n"+text, "\n---") {
		b := []byte(d)
		empty := true
		for _, l := range bytes.Split(b, []byte("\n")) {
			if l := bytes.TrimSpace(l); len(l) > 0 && l[0] != '#' {
				empty = false
				break
			}
		}
		if !empty {
			docs = append(docs, b)
		}
	}
	return docs
}

// kubeObjects collects the decoded objects by kind and name.
type kubeObjects struct {
	deployments map[string]*appsv1.Deployment
	configMaps  map[string][]*corev1.ConfigMap // the base's, then overlay patches
	services    []*corev1.Service
	hpas        []*autoscalingv2.HorizontalPodAutoscaler
	secrets     []manifest
	pvcs        map[string]bool
}

func collect(ms []manifest) kubeObjects {
	o := kubeObjects{deployments: map[string]*appsv1.Deployment{}, configMaps: map[string][]*corev1.ConfigMap{}, pvcs: map[string]bool{}}
	for _, m := range ms {
		switch v := m.obj.(type) {
		case *appsv1.Deployment:
			if strings.Contains(m.file, "/base/") {
				o.deployments[v.Name] = v
			}
		case *corev1.ConfigMap:
			o.configMaps[v.Name] = append(o.configMaps[v.Name], v)
		case *corev1.Service:
			o.services = append(o.services, v)
		case *autoscalingv2.HorizontalPodAutoscaler:
			o.hpas = append(o.hpas, v)
		case *corev1.Secret:
			o.secrets = append(o.secrets, m)
		case *corev1.PersistentVolumeClaim:
			o.pvcs[v.Name] = true
		}
	}
	return o
}

func TestKubernetesManifestsDecode(t *testing.T) {
	ms := loadManifests(t)
	kinds := map[string]int{}
	for _, m := range ms {
		kinds[fmt.Sprintf("%T", m.obj)]++
	}
	for _, want := range []string{"*v1.Deployment", "*v1.Service", "*v1.ConfigMap", "*v1.Secret", "*v2.HorizontalPodAutoscaler", "*deploytest.kustomization"} {
		if kinds[want] == 0 {
			t.Errorf("no %s under %s (found %v)", want, kubeDir, kinds)
		}
	}
}

func TestKustomizations(t *testing.T) {
	ms := loadManifests(t)
	listed := map[string]bool{}
	for _, m := range ms {
		k, ok := m.obj.(*kustomization)
		if !ok {
			continue
		}
		dir := path.Dir(m.file)
		for _, r := range k.Resources {
			p := path.Clean(path.Join(dir, r))
			listed[p] = true
			if !exists(t, p) {
				t.Errorf("%s lists resource %s, which does not exist", m.file, r)
			}
		}
		for _, p := range k.Patches {
			if p.Path == "" {
				continue
			}
			listed[path.Join(dir, p.Path)] = true
			if !exists(t, path.Join(dir, p.Path)) {
				t.Errorf("%s lists patch %s, which does not exist", m.file, p.Path)
			}
		}
	}
	// Every manifest of the base is deployed; Secrets are templates, never.
	for _, m := range ms {
		if _, isK := m.obj.(*kustomization); isK {
			continue
		}
		inBase := strings.HasPrefix(m.file, kubeDir+"/base/")
		if _, secret := m.obj.(*corev1.Secret); secret && listed[m.file] {
			t.Errorf("%s: a Secret template is listed in a kustomization: it would deploy placeholder secrets", m.file)
		}
		if inBase && !listed[m.file] {
			t.Errorf("%s is in the base but no kustomization lists it", m.file)
		}
	}
}

func exists(t testing.TB, rel string) bool {
	for _, f := range walkRepo(t, kubeDir, "") {
		if f == rel || strings.HasPrefix(f, rel+"/") {
			return true
		}
	}
	return false
}

// The Deployments the issue asks for, by the command their container runs.
var wantDeployments = map[string]string{
	"provenant-ingest":    "ingest",
	"provenant-prover":    "prover",
	"provenant-anchor":    "anchor",
	"provenant-api":       "api",
	"provenant-chaincode": "",
}

func TestKubernetesContainers(t *testing.T) {
	o := collect(loadManifests(t))
	for name := range wantDeployments {
		if o.deployments[name] == nil {
			t.Errorf("no Deployment %s in %s/base", name, kubeDir)
		}
	}
	for name, d := range o.deployments {
		spec := d.Spec.Template.Spec
		if sel := d.Spec.Selector; sel == nil || !labelsMatch(sel.MatchLabels, d.Spec.Template.Labels) {
			t.Errorf("Deployment %s: its selector does not select its pods' labels", name)
		}
		if psc := spec.SecurityContext; psc == nil || psc.RunAsNonRoot == nil || !*psc.RunAsNonRoot {
			t.Errorf("Deployment %s: the pod does not set runAsNonRoot", name)
		}
		if spec.AutomountServiceAccountToken == nil || *spec.AutomountServiceAccountToken {
			t.Errorf("Deployment %s: mounts a service account token it never uses", name)
		}
		if len(spec.Containers) == 0 {
			t.Errorf("Deployment %s has no container", name)
		}
		for _, c := range slices.Concat(spec.InitContainers, spec.Containers) {
			where := fmt.Sprintf("Deployment %s, container %s", name, c.Name)
			if c.ReadinessProbe == nil || c.LivenessProbe == nil {
				t.Errorf("%s: want both a readiness and a liveness probe", where)
			}
			for _, res := range []corev1.ResourceName{corev1.ResourceCPU, corev1.ResourceMemory} {
				req, lim := c.Resources.Requests[res], c.Resources.Limits[res]
				if req.IsZero() || lim.IsZero() {
					t.Errorf("%s: want a %s request and limit", where, res)
				} else if req.Cmp(lim) > 0 {
					t.Errorf("%s: %s request %s above its limit %s", where, res, req.String(), lim.String())
				}
			}
			if sc := c.SecurityContext; sc == nil || sc.AllowPrivilegeEscalation == nil || *sc.AllowPrivilegeEscalation ||
				sc.ReadOnlyRootFilesystem == nil || !*sc.ReadOnlyRootFilesystem {
				t.Errorf("%s: want allowPrivilegeEscalation false and a read-only root file system", where)
			}
			if img := c.Image; img != "provenant/provenant" && img != "provenant/provenant-chaincode" {
				t.Errorf("%s: image %q: want provenant/provenant or provenant/provenant-chaincode, tagged by the kustomization", where, img)
			}
			checkProbes(t, where, c, containerEnv(o, c))
		}
		if want, ok := wantDeployments[name]; ok && want != "" {
			args, isProvenant := provenantArgs(slices.Concat(spec.Containers[0].Command, spec.Containers[0].Args))
			if !isProvenant || len(args) != 1 || args[0] != want {
				t.Errorf("Deployment %s runs %q, want provenant %s", name, slices.Concat(spec.Containers[0].Command, spec.Containers[0].Args), want)
			}
		}
		for _, v := range spec.Volumes {
			if v.PersistentVolumeClaim != nil && !o.pvcs[v.PersistentVolumeClaim.ClaimName] {
				t.Errorf("Deployment %s mounts the claim %s, which no manifest declares", name, v.PersistentVolumeClaim.ClaimName)
			}
			if v.ConfigMap != nil && o.configMaps[v.ConfigMap.Name] == nil {
				t.Errorf("Deployment %s mounts the ConfigMap %s, which no manifest declares", name, v.ConfigMap.Name)
			}
		}
	}
}

func labelsMatch(selector, labels map[string]string) bool {
	if len(selector) == 0 {
		return false
	}
	for k, v := range selector {
		if labels[k] != v {
			return false
		}
	}
	return true
}

// containerEnv returns the environment a container gets from its env and
// envFrom ConfigMaps (overlay patches included); values from Secrets are
// marked.
func containerEnv(o kubeObjects, c corev1.Container) map[string]string {
	e := map[string]string{}
	for _, from := range c.EnvFrom {
		if from.ConfigMapRef == nil {
			continue
		}
		for _, cm := range o.configMaps[from.ConfigMapRef.Name] {
			for k, v := range cm.Data {
				e[from.Prefix+k] = v
			}
		}
	}
	for _, v := range c.Env {
		if v.ValueFrom != nil {
			e[v.Name] = "(from " + v.ValueFrom.String() + ")"
		} else {
			e[v.Name] = v.Value
		}
	}
	return e
}

// checkProbes checks that the probes of a provenant container are the
// admin endpoint's /readyz and /healthz, on the port PROVENANT_ADMIN_ADDR
// listens on, and that the chaincode's open its server's port.
func checkProbes(t *testing.T, where string, c corev1.Container, e map[string]string) {
	t.Helper()
	portNumber := func(p intstr.IntOrString) int32 {
		if p.Type == intstr.Int {
			return p.IntVal
		}
		for _, cp := range c.Ports {
			if cp.Name == p.StrVal {
				return cp.ContainerPort
			}
		}
		t.Errorf("%s: a probe names port %q, which the container does not declare", where, p.StrVal)
		return 0
	}
	addrPort := func(key string) int32 {
		_, p, err := net.SplitHostPort(e[key])
		n, err2 := strconv.Atoi(p)
		if err != nil || err2 != nil {
			t.Errorf("%s: %s=%q is not host:port", where, key, e[key])
		}
		return int32(n)
	}
	if c.ReadinessProbe == nil || c.LivenessProbe == nil {
		return
	}
	switch c.Image {
	case "provenant/provenant":
		admin := addrPort("PROVENANT_ADMIN_ADDR")
		for _, p := range []struct {
			what  string
			probe *corev1.Probe
			path  string
		}{{"readiness", c.ReadinessProbe, "/readyz"}, {"liveness", c.LivenessProbe, "/healthz"}, {"startup", c.StartupProbe, "/healthz"}} {
			if p.probe == nil {
				continue
			}
			if g := p.probe.HTTPGet; g == nil || g.Path != p.path || portNumber(g.Port) != admin {
				t.Errorf("%s: the %s probe must GET %s on the admin port %d (PROVENANT_ADMIN_ADDR=%s)", where, p.what, p.path, admin, e["PROVENANT_ADMIN_ADDR"])
			}
		}
	case "provenant/provenant-chaincode":
		server := addrPort("CHAINCODE_SERVER_ADDRESS")
		for _, p := range []*corev1.Probe{c.ReadinessProbe, c.LivenessProbe} {
			if p.TCPSocket == nil || portNumber(p.TCPSocket.Port) != server {
				t.Errorf("%s: the chaincode's probes must open its server port %d (CHAINCODE_SERVER_ADDRESS)", where, server)
			}
		}
	}
}

func TestKubernetesServicesAndAutoscalers(t *testing.T) {
	o := collect(loadManifests(t))
	for _, s := range o.services {
		var target *appsv1.Deployment
		for _, d := range o.deployments {
			if labelsMatch(s.Spec.Selector, d.Spec.Template.Labels) {
				target = d
			}
		}
		if target == nil {
			t.Errorf("Service %s selects no Deployment's pods", s.Name)
			continue
		}
		for _, p := range s.Spec.Ports {
			if p.TargetPort.Type != intstr.String {
				continue
			}
			found := false
			for _, c := range target.Spec.Template.Spec.Containers {
				found = found || slices.ContainsFunc(c.Ports, func(cp corev1.ContainerPort) bool { return cp.Name == p.TargetPort.StrVal })
			}
			if !found {
				t.Errorf("Service %s: target port %q is no port of Deployment %s", s.Name, p.TargetPort.StrVal, target.Name)
			}
		}
	}
	scaled := map[string]bool{}
	for _, h := range o.hpas {
		ref := h.Spec.ScaleTargetRef
		d := o.deployments[ref.Name]
		if ref.Kind != "Deployment" || d == nil {
			t.Errorf("HorizontalPodAutoscaler %s scales %s %s, which is not a Deployment here", h.Name, ref.Kind, ref.Name)
			continue
		}
		scaled[ref.Name] = true
		if h.Spec.MinReplicas == nil || *h.Spec.MinReplicas < 1 || *h.Spec.MinReplicas > h.Spec.MaxReplicas {
			t.Errorf("HorizontalPodAutoscaler %s: minReplicas must be between 1 and maxReplicas %d", h.Name, h.Spec.MaxReplicas)
		}
		if len(h.Spec.Metrics) == 0 {
			t.Errorf("HorizontalPodAutoscaler %s has no metric", h.Name)
		}
		for _, m := range h.Spec.Metrics {
			if m.Resource != nil {
				for _, c := range d.Spec.Template.Spec.Containers {
					if c.Resources.Requests.Name(m.Resource.Name, "").IsZero() {
						t.Errorf("HorizontalPodAutoscaler %s scales on %s, which container %s does not request", h.Name, m.Resource.Name, c.Name)
					}
				}
			}
		}
	}
	for _, want := range []string{"provenant-prover", "provenant-ingest"} {
		if !scaled[want] {
			t.Errorf("no HorizontalPodAutoscaler scales %s", want)
		}
	}
}

// placeholder is how a Secret template's values must look.
func placeholder(v string) bool {
	return strings.HasPrefix(v, "REPLACE_WITH_") || strings.HasPrefix(strings.TrimSpace(v), "{")
}

func TestKubernetesSecretsAreTemplates(t *testing.T) {
	o := collect(loadManifests(t))
	if len(o.secrets) == 0 {
		t.Fatal("no Secret template")
	}
	for _, m := range o.secrets {
		s := m.obj.(*corev1.Secret)
		if len(s.Data) > 0 {
			t.Errorf("%s: Secret %s has data (base64 values); a template holds only REPLACE_WITH_… placeholders in stringData", m.where(), s.Name)
		}
		for k, v := range s.StringData {
			if !placeholder(v) || strings.Contains(v, "PRIVATE KEY") || strings.Contains(v, "BEGIN ") {
				t.Errorf("%s: Secret %s key %s holds %q, not a REPLACE_WITH_… placeholder", m.where(), s.Name, k, v)
			}
		}
	}
	// Every Secret a Deployment reads has a template.
	names := map[string]bool{}
	for _, m := range o.secrets {
		names[m.obj.(*corev1.Secret).Name] = true
	}
	for dn, d := range o.deployments {
		for _, v := range d.Spec.Template.Spec.Volumes {
			if v.Secret != nil && !names[v.Secret.SecretName] {
				t.Errorf("Deployment %s mounts Secret %s, which has no template in %s/secrets", dn, v.Secret.SecretName, kubeDir)
			}
		}
		for _, c := range d.Spec.Template.Spec.Containers {
			for _, e := range c.Env {
				if r := e.ValueFrom; r != nil && r.SecretKeyRef != nil && !names[r.SecretKeyRef.Name] {
					t.Errorf("Deployment %s reads Secret %s, which has no template in %s/secrets", dn, r.SecretKeyRef.Name, kubeDir)
				}
			}
		}
	}
	// No configuration value is a secret.
	for name, cms := range o.configMaps {
		for _, cm := range cms {
			for k, v := range cm.Data {
				if secretName.MatchString(k) && !strings.HasPrefix(v, "/") {
					t.Errorf("ConfigMap %s: %s looks like a secret; put it in a Secret", name, k)
				}
				if strings.Contains(v, "PRIVATE KEY") {
					t.Errorf("ConfigMap %s: %s holds a private key", name, k)
				}
			}
		}
	}
}

// kubernetesInvocations returns the provenant command line of every
// container that runs provenant, with the environment its ConfigMaps give.
func kubernetesInvocations(t testing.TB) []invocation {
	o := collect(loadManifests(t))
	var out []invocation
	for _, name := range slices.Sorted(maps.Keys(o.deployments)) {
		for _, c := range o.deployments[name].Spec.Template.Spec.Containers {
			if args, ok := provenantArgs(slices.Concat(c.Command, c.Args)); ok {
				out = append(out, invocation{
					where: fmt.Sprintf("%s/base: Deployment %s, container %s", kubeDir, name, c.Name),
					args:  args,
					env:   containerEnv(o, c),
				})
			}
		}
	}
	return out
}

func TestKubernetesCommandsExist(t *testing.T) {
	tr := provenantTree(t)
	invs := kubernetesInvocations(t)
	if len(invs) < 4 {
		t.Fatalf("found %d containers that run provenant, want ingest, prover, anchor and api", len(invs))
	}
	for _, inv := range invs {
		for _, p := range tr.check(inv) {
			t.Error(p)
		}
	}
}

// TestKustomizeBuild builds the base and every overlay with kustomize when
// it is installed.
func TestKustomizeBuild(t *testing.T) {
	bin, err := exec.LookPath("kustomize")
	if err != nil {
		t.Skip("kustomize is not installed; the manifests are decoded one by one instead")
	}
	dirs := []string{kubeDir + "/base"}
	for _, k := range walkRepo(t, kubeDir+"/overlays", "kustomization.yaml") {
		dirs = append(dirs, path.Dir(k))
	}
	for _, dir := range dirs {
		if out, err := exec.Command(bin, "build", repoPath(t, dir)).CombinedOutput(); err != nil {
			t.Errorf("kustomize build %s: %v\n%s", dir, err, out)
		}
	}
}
