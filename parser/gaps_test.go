package parser

import (
	"strings"
	"testing"
)

// TestWrapped: a line a console broke off the long line above continues
// it; a log record's own head does not.
func TestWrapped(t *testing.T) {
	long := "ClientSecretCredential authentication failed: AADSTS700016: Application with identifier"
	for _, c := range []struct {
		prev, l string
		want    bool
	}{
		{long, "'3f880a1f-8d3c-45d9-952b-140e33a7042f' was not found", true},
		{long + " the", "application has not been installed", true},
		{long + " crede", "ntials. AADSTS80005: Validation encountered", true},
		{long + " Trace ID: x Correlation ID: y Timestamp: 2023-11-14", "20:52:58Z", true},
		{long, "info: Microsoft.Hosting.Lifetime[0]", false},          // .NET console logger head
		{long, "2024-05-01 10:00:01 INFO next record", false},         // a timestamp
		{long + ".", "application has not been installed", false},     // the sentence ended
		{"short line", "application has not been installed", false},   // not at a console's width
		{strings.Repeat("x", 300), "application has not been", false}, // wider than any console
	} {
		if got := wrapped([]byte(c.prev), []byte(c.l)); got != c.want {
			t.Errorf("wrapped(%q, %q) = %v, want %v", c.prev, c.l, got, c.want)
		}
	}
}

// TestRecordEndContinuations: records that go on past lines isContinuation
// does not know, and stop where they end.
func TestRecordEndContinuations(t *testing.T) {
	for _, c := range []struct {
		name, text string
		lines      int // lines in the record starting at the first line
	}{
		{"PowerShell quoted message",
			"Exception calling \"Invoke\" with \"0\" argument(s): \"ClientSecretCredential authentication failed: AADSTS7000222: expired\n" +
				"Trace ID: 258dcf49-045e-4b54-8124-e8bc2a95fa00\n" +
				"Could not find tenant id for provided tenant domain 'x'.\"\n" +
				"Next line of the application\n", 3},
		{"PowerShell message closed on its line",
			"Exception calling \"Invoke\" with \"0\" argument(s): \"ClientSecretCredential authentication failed: AADSTS7000222\"\n" +
				"Next line of the application\n", 1},
		{"Java chain members",
			"com.azure.identity.CredentialUnavailableException: EnvironmentCredential authentication unavailable. Environment variables are not fully configured.\n" +
				"ManagedIdentityCredential authentication unavailable. Connection to IMDS endpoint cannot be established.\n" +
				"IntelliJ Authentication not available. Please log in with Azure Tools for IntelliJ plugin in the IDE.\n" +
				"Unable to execute PowerShell. Please make sure that it is installed in your system\n" +
				"Next line of the application\n", 4},
		{"member lines without the exception",
			"EnvironmentCredential authentication unavailable. Environment variables are not fully configured.\n" +
				"ManagedIdentityCredential authentication unavailable. Connection to IMDS endpoint cannot be established.\n", 1},
		{"JSON body broken inside a string",
			`{"error":"interaction_required","error_description":"AADSTS53003: Access has been blocked.\r\nTrace ID: ` + "\n" +
				`36a9bfd2-0233-4b3b-b947-5ed41fa7a600","error_codes":[53003]}` + "\n" +
				"Next line\n", 2},
		{"whole JSON object", `{"error":"invalid_client","error_description":"AADSTS7000215: Invalid client secret provided."}` + "\n" +
			"next line of the application\n", 1},
	} {
		buf := []byte(c.text)
		end, complete, _ := recordEnd(buf, 0, 0, false, true)
		if !complete {
			t.Errorf("%s: record not complete", c.name)
		}
		if got := strings.Count(string(buf[:end]), "\n"); got != c.lines {
			t.Errorf("%s: record has %d lines, want %d: %q", c.name, got, c.lines, buf[:end])
		}
	}
}

// TestHeadlessChainStackTrace: azure-identity's (Java) exception printed
// at the head of a stack trace, its members one a line, some named by their
// tool only.
func TestHeadlessChainStackTrace(t *testing.T) {
	text := "[thread-0] com.azure.identity.CredentialUnavailableException: EnvironmentCredential authentication unavailable. Environment variables are not fully configured.\n" +
		"ManagedIdentityCredential authentication unavailable. Connection to IMDS endpoint cannot be established.\n" +
		"SharedTokenCacheCredential authentication unavailable. No accounts were found in the cache.\n" +
		"IntelliJ Authentication not available. Please log in with Azure Tools for IntelliJ plugin in the IDE.\n" +
		"Failed to read Vs Code credentials from Linux Key Ring.\n" +
		"AzureCliCredential authentication unavailable. Azure CLI not installed.\n" +
		"Unable to execute PowerShell. Please make sure that it is installed in your system\n" +
		"\tat com.azure.identity.ChainedTokenCredential.lambda$getToken$3(ChainedTokenCredential.java:95)\n"
	var got []string
	for _, m := range headlessChain(text) {
		got = append(got, m.Credential)
	}
	want := "EnvironmentCredential ManagedIdentityCredential SharedTokenCacheCredential IntelliJCredential VisualStudioCodeCredential AzureCliCredential AzurePowerShellCredential"
	if strings.Join(got, " ") != want {
		t.Errorf("headlessChain = %v, want %s", got, want)
	}
}

// TestChainMembersOneALine: Azure.Identity 1.0's aggregate message lists
// its members one a line, each starting with its type.
func TestChainMembersOneALine(t *testing.T) {
	text := "Message=The DefaultAzureCredential failed due to an unhandled exception:  ManagedIdentityCredential failed with unhandled exception\n" +
		"  EnvironmentCredential is unavailable Environment variables not fully configured.\n" +
		"  ManagedIdentityCredential failed with The authentication request failed due to an unhandled exception.\n" +
		"See inner exception for more detail.\n"
	if !isChain(text) {
		t.Fatal("not a chain")
	}
	var got []string
	for _, m := range chainMembers(text) {
		got = append(got, m.Credential)
	}
	if want := "EnvironmentCredential ManagedIdentityCredential"; strings.Join(got, " ") != want {
		t.Errorf("chainMembers = %v, want %s", got, want)
	}
}

// TestTenantDisplayName: a directory named by its display name is taken
// as written, but a tenant ID named elsewhere wins, and placeholders are no
// IDs.
func TestTenantDisplayName(t *testing.T) {
	for text, want := range map[string]string{
		"was not found in the directory 'Default Directory'. This can happen":                                            "Default Directory",
		"was not found in the directory 'Microsoft'. This can happen":                                                    "Microsoft",
		"was not found in the directory 'Contoso'. tenantId: '8d1e2f3a-4b5c-4d6e-9f70-81a2b3c4d5e6'":                     "8d1e2f3a-4b5c-4d6e-9f70-81a2b3c4d5e6",
		"Could not find tenant id for provided tenant domain 'cdc5aeea-15c5-4db6-b079-fcadd2505dc2'. Please ensure that": "cdc5aeea-15c5-4db6-b079-fcadd2505dc2",
		"was not found in the directory 'xxxx'.":                                                                         "",
	} {
		if got := idAfter(text, true, tenantLabels); got != want {
			t.Errorf("tenant of %q = %q, want %q", text, got, want)
		}
	}
	for text, want := range map[string]string{
		"Trace ID: x-ms-request-id Correlation ID: CorrelationId Timestamp: 2023-11-14": "",
		"Correlation ID: 6006855a-47ac-46c9-a9f7-42b1629d0803":                          "6006855a-47ac-46c9-a9f7-42b1629d0803",
	} {
		if got := idAfter(text, false, correlationLabels); got != want {
			t.Errorf("correlation of %q = %q, want %q", text, got, want)
		}
	}
	if got := idAfter("AADSTS700016: Application with identifier\n'3f880a1f-8d3c-45d9-952b-140e33a7042f' was not found", false, clientLabels); got != "3f880a1f-8d3c-45d9-952b-140e33a7042f" {
		t.Errorf("client across a line break = %q", got)
	}
}
