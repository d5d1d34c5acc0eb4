// The analysis panels, in tab order.
import "./panels.css";
import type { Panel } from "../contract";
import { alertsPanel } from "./alerts";
import { chartsPanel } from "./charts";
import { compliancePanel } from "./compliance";
import { driftPanel } from "./drift";
import { explainPanel } from "./explain";
import { redactionPanel } from "./redaction";

export const panels: Panel[] = [explainPanel, chartsPanel, compliancePanel, driftPanel, alertsPanel, redactionPanel];
