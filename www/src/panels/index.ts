// The analysis panels, in tab order (the collector's alert rules only when a collector
// serves the page).
import "./panels.css";
import type { Panel } from "../contract";
import { isCollectorPage } from "../collector";
import { alertRulesPanel } from "./alert-rules";
import { alertsPanel } from "./alerts";
import { chartsPanel } from "./charts";
import { compliancePanel } from "./compliance";
import { driftPanel } from "./drift";
import { explainPanel } from "./explain";
import { redactionPanel } from "./redaction";

export const panels: Panel[] = [explainPanel, chartsPanel, compliancePanel, driftPanel, alertsPanel, redactionPanel, ...(isCollectorPage() ? [alertRulesPanel] : [])];
