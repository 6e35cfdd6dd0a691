package rules_test

import (
	"fmt"
	"os"

	"github.com/azlogscan/azlogscan/parser"
	"github.com/azlogscan/azlogscan/rules"
)

func ExampleDB_Enrich() {
	f := parser.Finding{
		ErrorCode:  "AuthorizationFailed",
		HTTPStatus: 403,
		Authorization: &parser.Authorization{
			ClientID: "11111111-1111-1111-1111-111111111111",
			ObjectID: "22222222-2222-2222-2222-222222222222",
			Action:   "Microsoft.Storage/storageAccounts/listKeys/action",
			Scope:    "/subscriptions/s/resourceGroups/rg/providers/Microsoft.Storage/storageAccounts/st",
		},
	}
	rules.Default().Enrich(&f)
	fmt.Println(f.Rule.ID)
	fmt.Println(rules.RoleAssignmentCommand(f.Authorization))
	// Output:
	// AuthorizationFailed
	// az role assignment create --assignee-object-id 22222222-2222-2222-2222-222222222222 --assignee-principal-type ServicePrincipal --role "Reader and Data Access" --scope "/subscriptions/s/resourceGroups/rg/providers/Microsoft.Storage/storageAccounts/st"
}

func ExampleFormatText() {
	r, _ := rules.Default().Rule("AADSTS7000222")
	rules.FormatText(os.Stdout, &r)
}
