package rules

import (
	"fmt"
	"strings"

	"github.com/azlogscan/azlogscan/parser"
)

// roleRule maps an action (lower-cased) to the built-in role that grants it
// with the least privilege we can name with confidence.
type roleRule struct {
	contains string // substring of the lower-cased action
	read     string // role when the action only reads
	write    string // role otherwise
}

// Ordered: the first entry whose substring is in the action wins.
var roleRules = []roleRule{
	{"microsoft.authorization/policy", "Reader", "Resource Policy Contributor"},
	{"microsoft.authorization/", "Reader", "User Access Administrator"},
	{"microsoft.keyvault/vaults/secrets/", "Key Vault Secrets User", "Key Vault Secrets Officer"},
	{"microsoft.keyvault/vaults/keys/", "Key Vault Crypto User", "Key Vault Crypto Officer"},
	{"microsoft.keyvault/vaults/certificates/", "Key Vault Certificate User", "Key Vault Certificates Officer"},
	{"/blobservices/containers/blobs/", "Storage Blob Data Reader", "Storage Blob Data Contributor"},
	{"/queueservices/queues/messages/", "Storage Queue Data Reader", "Storage Queue Data Contributor"},
	{"/tableservices/tables/entities/", "Storage Table Data Reader", "Storage Table Data Contributor"},
	{"microsoft.storage/storageaccounts/listkeys/action", "Reader and Data Access", "Reader and Data Access"},
	{"microsoft.servicebus/namespaces/messages/send/", "Azure Service Bus Data Sender", "Azure Service Bus Data Sender"},
	{"microsoft.servicebus/namespaces/messages/receive/", "Azure Service Bus Data Receiver", "Azure Service Bus Data Receiver"},
	{"microsoft.eventhub/namespaces/messages/send/", "Azure Event Hubs Data Sender", "Azure Event Hubs Data Sender"},
	{"microsoft.eventhub/namespaces/messages/receive/", "Azure Event Hubs Data Receiver", "Azure Event Hubs Data Receiver"},
	{"microsoft.appconfiguration/configurationstores/keyvalues/", "App Configuration Data Reader", "App Configuration Data Owner"},
	{"microsoft.containerregistry/registries/pull/", "AcrPull", "AcrPull"},
	{"microsoft.containerregistry/registries/push/", "AcrPush", "AcrPush"},
}

// readOnly reports whether the last segment of an action only reads.
func readOnly(action string) bool {
	switch {
	case strings.HasSuffix(action, "/read"):
		return true
	case strings.HasSuffix(action, "/getsecret/action"), strings.HasSuffix(action, "/readmetadata/action"),
		strings.HasSuffix(action, "/decrypt/action"), strings.HasSuffix(action, "/encrypt/action"),
		strings.HasSuffix(action, "/unwrap/action"), strings.HasSuffix(action, "/wrap/action"),
		strings.HasSuffix(action, "/sign/action"), strings.HasSuffix(action, "/verify/action"):
		// Key Vault data actions that the "User" roles include.
		return true
	}
	return false
}

// SuggestRole names the built-in role that would allow action, e.g.
// "Microsoft.Storage/storageAccounts/read" → "Reader",
// ".../write" → "Contributor". ok is false when the action gives no clue; the
// returned text is then "a role that includes <action>".
func SuggestRole(action string) (role string, ok bool) {
	a := strings.ToLower(strings.TrimSpace(action))
	if a == "" {
		return "a role that includes the denied action", false
	}
	for _, rr := range roleRules {
		if strings.Contains(a, rr.contains) {
			if readOnly(a) {
				return rr.read, true
			}
			return rr.write, true
		}
	}
	switch {
	case strings.HasSuffix(a, "/read"):
		return "Reader", true
	case strings.HasSuffix(a, "/write"), strings.HasSuffix(a, "/delete"), strings.HasSuffix(a, "/action"):
		if strings.Count(a, "/") >= 2 && strings.HasPrefix(a, "microsoft.") {
			return "Contributor", true
		}
	}
	return "a role that includes " + action, false
}

// RoleAssignmentCommand returns a ready `az role assignment create` command
// that grants the principal of an AuthorizationFailed error the role
// SuggestRole names for its action, over the scope of the error. Values the
// error did not show are left as <placeholders>.
func RoleAssignmentCommand(a *parser.Authorization) string {
	role, _ := SuggestRole(a.Action)
	scope := a.Scope
	if scope == "" {
		scope = "<scope>"
	}
	var b strings.Builder
	b.WriteString("az role assignment create")
	switch {
	case a.ObjectID != "":
		b.WriteString(" --assignee-object-id ")
		b.WriteString(a.ObjectID)
		b.WriteString(" --assignee-principal-type ")
		b.WriteString(principalType(a.ClientID))
	case a.ClientID != "":
		b.WriteString(" --assignee ")
		b.WriteString(a.ClientID)
	default:
		b.WriteString(" --assignee-object-id <object id>")
	}
	fmt.Fprintf(&b, " --role %q --scope %q", role, scope)
	return b.String()
}

// principalType guesses the principal type from the "client" of the error: a
// user shows as a UPN, an application or managed identity as a GUID.
func principalType(client string) string {
	if strings.Contains(client, "@") {
		return "User"
	}
	return "ServicePrincipal"
}

// RoleAssignmentSteps are the finding-specific steps Enrich puts before the
// rule's own mitigation for AuthorizationFailed.
func RoleAssignmentSteps(a *parser.Authorization) []string {
	role, ok := SuggestRole(a.Action)
	who := a.ObjectID
	if who == "" {
		who = a.ClientID
	}
	if who == "" {
		who = "the principal"
	}
	action := a.Action
	if action == "" {
		action = "the denied action"
	}
	first := fmt.Sprintf("Grant %s the role %q on the scope of the error (run by someone with Owner or User Access Administrator there): %s",
		who, role, RoleAssignmentCommand(a))
	if !ok {
		first = fmt.Sprintf("Find a built-in role that includes %s (`az role definition list --query \"[?permissions[?contains(actions, '%s') || contains(dataActions, '%s')]].roleName\" -o tsv`, wildcards in roles are not matched by this query) or create a custom role, then: %s",
			action, a.Action, a.Action, RoleAssignmentCommand(a))
	}
	steps := []string{first}
	if who != "the principal" {
		steps = append(steps, fmt.Sprintf("Check what %s already holds: az role assignment list --assignee %s --all -o table", who, who))
	}
	return steps
}
