using System.Text.Json.Nodes;

namespace PartnerWeb.Tests.Infrastructure;

/// <summary>
/// Charges, refunds and disputes: stripe/openapi's fixtures of each (fixtures3.json), whole, with the
/// fields a test names set on a copy. As Stripe sends them, their <c>metadata</c> is empty: nothing on
/// them names the invoice, only the charge and the payment intent. (The charge lists no <c>refunds</c>:
/// since API version 2022-11-15 Stripe leaves them out unless expanded.)
/// </summary>
public static partial class StripeObjects
{
    private const string ChargeFixture = """
        {"amount": 100, "amount_captured": 0, "amount_refunded": 0, "application": null, "application_fee": null, "application_fee_amount": null, "balance_transaction": "txn_1PgaxNB7WZ01zgkWEV3TLf40", "billing_details": {"address": {"city": null, "country": null, "line1": null, "line2": null, "postal_code": null, "state": null}, "email": null, "name": "Jenny Rosen", "phone": null, "tax_id": null}, "calculated_statement_descriptor": null, "captured": false, "created": 1234567890, "currency": "usd", "customer": null, "description": "My First Test Charge (created for API docs)", "disputed": false, "failure_balance_transaction": null, "failure_code": null, "failure_message": null, "fraud_details": {}, "id": "ch_1PgafuB7WZ01zgkWXYmPNZs8", "livemode": false, "metadata": {}, "object": "charge", "on_behalf_of": null, "outcome": {"advice_code": null, "network_advice_code": null, "network_decline_code": null, "network_status": null, "reason": null, "seller_message": null, "type": "type"}, "paid": true, "payment_intent": null, "payment_method": "card_1PgaftB7WZ01zgkWm3waTcFp", "payment_method_details": {"card": {"amount_authorized": null, "brand": "visa", "checks": {"address_line1_check": null, "address_postal_code_check": null, "cvc_check": "pass"}, "country": "US", "exp_month": 8, "exp_year": 2030, "extended_authorization": {"status": "disabled"}, "fingerprint": "AOB934RVNwzk6xtn", "funding": "credit", "incremental_authorization": {"status": "unavailable"}, "installments": {"plan": {"count": null, "interval": null, "type": "fixed_count"}}, "last4": "4242", "mandate": null, "multicapture": {"status": "unavailable"}, "network": "visa", "network_token": {"used": false}, "overcapture": {"maximum_amount_capturable": 100, "status": "unavailable"}, "three_d_secure": {"authentication_flow": null, "electronic_commerce_indicator": null, "exemption_indicator": null, "result": null, "result_reason": null, "transaction_id": null, "version": null}, "wallet": {"dynamic_last4": null, "type": "link"}, "authorization_code": null, "regulated_status": null, "network_transaction_id": null, "transaction_link_id": null}, "type": "card"}, "receipt_email": null, "receipt_number": null, "receipt_url": "https://pay.stripe.com/receipts/payment/partnerweb_test", "refunded": false, "review": null, "shipping": null, "source_transfer": null, "statement_descriptor": null, "statement_descriptor_suffix": null, "status": "succeeded", "transfer_data": null, "transfer_group": null, "source": null}
        """;

    private const string RefundFixture = """
        {"amount": 100, "balance_transaction": null, "charge": "ch_1PgafuB7WZ01zgkWXYmPNZs8", "created": 1234567890, "currency": "usd", "destination_details": {"card": {"type": "reversal"}, "type": "card"}, "id": "re_1Pgc72B7WZ01zgkWqPvrRrPE", "metadata": {}, "object": "refund", "payment_intent": null, "reason": null, "receipt_number": null, "source_transfer_reversal": null, "status": "succeeded", "transfer_reversal": null, "customer": null, "customer_account": null, "payment_method": null}
        """;

    private const string DisputeFixture = """
        {"amount": 1000, "balance_transactions": [], "charge": "ch_1PgafuB7WZ01zgkWXYmPNZs8", "created": 1234567890, "currency": "usd", "evidence": {"access_activity_log": null, "billing_address": null, "cancellation_policy": null, "cancellation_policy_disclosure": null, "cancellation_rebuttal": null, "customer_communication": null, "customer_email_address": null, "customer_name": null, "customer_purchase_ip": null, "customer_signature": null, "duplicate_charge_documentation": null, "duplicate_charge_explanation": null, "duplicate_charge_id": null, "product_description": null, "receipt": null, "refund_policy": null, "refund_policy_disclosure": null, "refund_refusal_explanation": null, "service_date": null, "service_documentation": null, "shipping_address": null, "shipping_carrier": null, "shipping_date": null, "shipping_documentation": null, "shipping_tracking_number": null, "uncategorized_file": null, "uncategorized_text": null, "enhanced_evidence": {}}, "evidence_details": {"due_by": 1723679999, "has_evidence": false, "past_due": false, "submission_count": 0, "enhanced_eligibility": {}}, "id": "dp_1Pgc71B7WZ01zgkWMevJiAUx", "is_charge_refundable": true, "livemode": false, "metadata": {}, "object": "dispute", "payment_intent": null, "payment_method_details": {"card": {"brand": "visa", "case_type": "inquiry", "network_reason_code": "10.4", "network": "visa"}, "type": "card"}, "reason": "general", "status": "warning_needs_response", "enhanced_eligibility_types": ["visa_compelling_evidence_3"]}
        """;

    private const string BalanceTransactionFixture = """
        {"amount": 100, "available_on": 1234567890, "created": 1234567890, "currency": "usd", "description": "My First Test Charge (created for API docs)", "exchange_rate": null, "fee": 0, "fee_details": [], "id": "txn_1PgaxNB7WZ01zgkWEV3TLf40", "net": 100, "object": "balance_transaction", "reporting_category": "charge", "source": "ch_1PgafuB7WZ01zgkWXYmPNZs8", "status": "available", "type": "charge", "balance_type": "payments"}
        """;

    public static JsonObject Charge(string id, string paymentIntent, long amount, string currency, long amountRefunded = 0)
    {
        var charge = From(ChargeFixture);
        charge["id"] = id;
        charge["payment_intent"] = paymentIntent;
        charge["amount"] = amount;
        charge["amount_captured"] = amount;
        charge["amount_refunded"] = amountRefunded;
        charge["refunded"] = amountRefunded == amount;
        charge["captured"] = true;
        charge["currency"] = currency;
        charge["created"] = Now;
        charge["payment_method_details"]!["card"]!["overcapture"]!["maximum_amount_capturable"] = amount;
        return charge;
    }

    /// <param name="status"><c>pending</c>, <c>succeeded</c>, <c>failed</c> or <c>canceled</c>.</param>
    public static JsonObject Refund(string id, string charge, string paymentIntent, long amount, string currency, string status = "succeeded")
    {
        var refund = From(RefundFixture);
        refund["id"] = id;
        refund["charge"] = charge;
        refund["payment_intent"] = paymentIntent;
        refund["amount"] = amount;
        refund["currency"] = currency;
        refund["status"] = status;
        refund["created"] = Now;
        if (status == "failed") refund["failure_reason"] = "expired_or_canceled_card";
        return refund;
    }

    /// <summary>
    /// A dispute: <paramref name="withdrawn"/> and <paramref name="reinstated"/> add the balance transactions
    /// Stripe shows on it once the funds moved (an inquiry has none).
    /// </summary>
    public static JsonObject Dispute(
        string id, string charge, string paymentIntent, long amount, string currency, string status, bool withdrawn = false, bool reinstated = false)
    {
        var dispute = From(DisputeFixture);
        dispute["id"] = id;
        dispute["charge"] = charge;
        dispute["payment_intent"] = paymentIntent;
        dispute["amount"] = amount;
        dispute["currency"] = currency;
        dispute["status"] = status;
        dispute["created"] = Now;
        dispute["payment_method_details"]!["card"]!["case_type"] = status.StartsWith("warning_", StringComparison.Ordinal) ? "inquiry" : "chargeback";
        dispute["is_charge_refundable"] = !withdrawn;
        var movements = (JsonArray)dispute["balance_transactions"]!;
        if (withdrawn) movements.Add(DisputeMovement($"txn_{id}_w", id, -amount, currency, "Chargeback withdrawal for " + charge));
        if (reinstated) movements.Add(DisputeMovement($"txn_{id}_r", id, amount, currency, "Chargeback reversal for " + charge));
        return dispute;
    }

    private static JsonObject DisputeMovement(string id, string dispute, long amount, string currency, string description)
    {
        var movement = From(BalanceTransactionFixture);
        movement["id"] = id;
        movement["amount"] = amount;
        movement["net"] = amount;
        movement["currency"] = currency;
        movement["description"] = description;
        movement["reporting_category"] = "dispute";
        movement["type"] = "adjustment";
        movement["source"] = dispute;
        return movement;
    }

    private const string TransferFixture = """
        {"amount": 1100, "amount_reversed": 0, "balance_transaction": "txn_1PgaxNB7WZ01zgkWEV3TLf40", "created": 1234567890, "currency": "usd", "description": null, "destination": "acct_1PgafTB7WZ01zgkW", "destination_payment": "py_QXhWZR8SdWquhf", "id": "tr_1Pgc7BB7WZ01zgkWVJfE40RX", "livemode": false, "metadata": {}, "object": "transfer", "reversals": {"data": [], "has_more": false, "object": "list", "url": "/v1/transfers/tr_1Pgc7BB7WZ01zgkWVJfE40RX/reversals"}, "reversed": false, "source_transaction": null, "source_type": "card", "transfer_group": null}
        """;

    private const string TransferReversalFixture = """
        {"amount": 1100, "balance_transaction": null, "created": 1234567890, "currency": "usd", "destination_payment_refund": null, "id": "trr_1Pgc7BB7WZ01zgkWsU61ufNC", "metadata": {}, "object": "transfer_reversal", "source_refund": null, "transfer": "tr_1Pgc7BB7WZ01zgkWVJfE40RX"}
        """;

    public static JsonObject Transfer(string id, long amount, string currency, string destination, string? transferGroup, JsonObject metadata)
    {
        var transfer = From(TransferFixture);
        transfer["id"] = id;
        transfer["amount"] = amount;
        transfer["currency"] = currency;
        transfer["destination"] = destination;
        transfer["destination_payment"] = "py_" + id[3..];
        transfer["transfer_group"] = transferGroup;
        transfer["metadata"] = metadata;
        transfer["created"] = Now;
        transfer["reversals"]!["url"] = $"/v1/transfers/{id}/reversals";
        return transfer;
    }

    /// <summary>The transfer after <paramref name="amount"/> of it was reversed, its reversal listed as Stripe lists it.</summary>
    public static JsonObject Reversed(JsonObject transfer, long amount)
    {
        var reversed = transfer.DeepClone().AsObject();
        var reversal = From(TransferReversalFixture);
        reversal["id"] = "trr_" + ((string)transfer["id"]!)[3..];
        reversal["amount"] = amount;
        reversal["currency"] = transfer["currency"]!.DeepClone();
        reversal["transfer"] = transfer["id"]!.DeepClone();
        reversal["created"] = Now;
        ((JsonArray)reversed["reversals"]!["data"]!).Add(reversal);
        reversed["amount_reversed"] = amount;
        reversed["reversed"] = amount == (long)transfer["amount"]!;
        return reversed;
    }

    private static JsonObject From(string fixture) => JsonNode.Parse(fixture)!.AsObject();
}
